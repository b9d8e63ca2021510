// The talk's scenario with a real database: a PostgreSQL table (its own port and data directory, wal_level=logical)
// streamed into a topic by Debezium's connector, resolved from Maven Central by `--plugin`: every row change arrives
// once, in order; an update carries before and after; a delete is followed by its tombstone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { run } from '../support/bins.js';
import { connectStack, type ConnectStack } from '../support/connect.js';
import { runLocalStackTests } from '../support/java.js';
import { eventually } from '../support/kafka.js';
import { postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';

const DEBEZIUM = 'io.debezium:debezium-connector-postgres:3.6.1.Final';
const runIt = runLocalStackTests && (postgresAvailable || process.env.KTOOL_REQUIRE_JAVA === '1');

let stack: ConnectStack;
let pg: Postgres;

beforeAll(async () => {
  if (!runIt) return;
  pg = startPostgres(await findFreeBlock(1, '127.0.0.1'));
  stack = await connectStack({ plugins: [DEBEZIUM] });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  pg?.stop();
});

interface Change {
  partition: number;
  offset: string;
  key: { id: number } | null;
  value: { op: string; before: Row | null; after: Row | null; source: { table: string } } | null;
}
interface Row {
  id: number;
  name: string;
  email: string;
}

async function changes(topic: string, atLeast: number): Promise<Change[]> {
  return eventually(async () => {
    const r = await run('kconsume', [topic, '-b', stack.bootstrap, '--from-beginning', '-e', '--json']);
    if (r.code !== 0) return undefined;
    const got = r.stdout.trim().split('\n').filter(Boolean).map((l) => {
      const rec = JSON.parse(l);
      return { partition: rec.partition, offset: rec.offset, key: rec.key === null ? null : JSON.parse(rec.key), value: rec.value === null ? null : JSON.parse(rec.value) };
    });
    return got.length >= atLeast ? got : undefined;
  }, 90_000, `${atLeast} change events in ${topic}`);
}

describe.runIf(runIt).sequential('Debezium PostgreSQL source', () => {
  const config = () => [
    '--config', 'database.hostname=127.0.0.1',
    '--config', `database.port=${pg.port}`,
    '--config', 'database.user=postgres',
    '--config', 'database.password=unused',
    '--config', 'database.dbname=postgres',
    '--config', 'topic.prefix=shop',
    '--config', 'table.include.list=public.customers',
    '--config', 'plugin.name=pgoutput',
    '--config', 'slot.name=kstack_test',
    '--config', 'publication.autocreate.mode=filtered',
  ];

  it('the plugin is on the worker', async () => {
    const r = await stack.kconnect(['plugins', '--json']);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toContainEqual({ class: 'io.debezium.connector.postgresql.PostgresConnector', type: 'source', version: '3.6.1.Final' });
  });

  it('insert, update and delete arrive in order: the row, before and after, then the delete and its tombstone', async () => {
    // REPLICA IDENTITY FULL: PostgreSQL logs the whole old row, so an update's event has "before" too.
    pg.sql('create table customers (id int primary key, name text not null, email text); alter table customers replica identity full;');
    const created = await stack.kconnect(['create', 'shop-db', '--class', 'PostgresConnector', ...config(), '--validate', '--wait', 'running', '--timeout', '90000']);
    expect(created.stderr).toMatch(/created shop-db \(io\.debezium\.connector\.postgresql\.PostgresConnector\), running/);
    expect(created.code).toBe(0);

    pg.sql("insert into customers values (1, 'Ada', 'ada@example.com');");
    const [insert] = await changes('shop.public.customers', 1);
    expect(insert).toMatchObject({ key: { id: 1 }, value: { op: 'c', before: null, after: { id: 1, name: 'Ada', email: 'ada@example.com' }, source: { table: 'customers' } } });

    pg.sql("update customers set email = 'ada@lovelace.org' where id = 1;");
    const update = (await changes('shop.public.customers', 2))[1];
    expect(update).toMatchObject({ key: { id: 1 }, value: { op: 'u', before: { id: 1, email: 'ada@example.com' }, after: { id: 1, email: 'ada@lovelace.org' } } });

    pg.sql('delete from customers where id = 1;');
    const all = await changes('shop.public.customers', 4);
    expect(all.slice(2)).toMatchObject([
      { key: { id: 1 }, value: { op: 'd', before: { id: 1, name: 'Ada', email: 'ada@lovelace.org' }, after: null } },
      { key: { id: 1 }, value: null },
    ]);
    expect(all).toHaveLength(4);

    const topics = await stack.kconnect(['topics', 'shop-db']);
    expect(topics.stdout).toBe('shop.public.customers\n');
  });

  it('every row change of a busier table arrives once, in order', async () => {
    // 50 inserts, 25 updates, 10 deletes in separate transactions; each change is one event (and each delete a tombstone).
    const statements: string[] = [];
    const expected: Array<[string, number, string | null]> = [];
    for (let i = 100; i < 150; i++) statements.push(`insert into customers values (${i}, 'c${i}', 'c${i}@example.com');`), expected.push(['c', i, `c${i}@example.com`]);
    for (let i = 100; i < 125; i++) statements.push(`update customers set email = 'new${i}@example.com' where id = ${i};`), expected.push(['u', i, `new${i}@example.com`]);
    for (let i = 140; i < 150; i++) statements.push(`delete from customers where id = ${i};`), expected.push(['d', i, null], ['tombstone', i, null]);
    pg.sql(statements.join('\n'));

    // The topic has 3 partitions and Debezium keys by primary key: the order that holds (and matters) is each row's.
    const all = (await changes('shop.public.customers', 4 + expected.length)).filter((c) => c.key!.id >= 100);
    expect(all).toHaveLength(expected.length);
    const seen = all.map((c): [string, number, string | null] => (c.value === null ? ['tombstone', c.key!.id, null] : [c.value.op, c.key!.id, c.value.after?.email ?? null]));
    const byRow = (list: Array<[string, number, string | null]>) => {
      const rows = new Map<number, Array<[string, number, string | null]>>();
      for (const e of list) rows.set(e[1], [...(rows.get(e[1]) ?? []), e]);
      return rows;
    };
    expect(byRow(seen)).toEqual(byRow(expected));
    const status = JSON.parse((await stack.kconnect(['status', 'shop-db', '--json'])).stdout);
    expect(status).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] });
  });

  it('--validate reports a database the connector cannot reach as a field error, and creates nothing', async () => {
    const wrong = config().map((a) => (a.startsWith('database.port=') ? 'database.port=1' : a));
    const r = await stack.kconnect(['create', 'nowhere', '--class', 'io.debezium.connector.postgresql.PostgresConnector', ...wrong, '--config', 'slot.name=other', '--validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ {2}database\.hostname: .*(Connection refused|Error while validating connector config)/m);
    expect((await stack.kconnect(['list', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['shop-db']);
  });
});
