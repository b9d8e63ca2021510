// kschemas as a user runs it, against a real Schema Registry (Apicurio, Confluent's API): every subcommand, human and JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { privateRegistry, runRegistryTests, type PrivateRegistry } from '../support/registry.js';

let reg: PrivateRegistry;
const dir = mkdtempSync(join(tmpdir(), 'kschemas-'));
const file = (name: string, text: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof text === 'string' ? text : JSON.stringify(text, null, 2));
  return path;
};
const user1 = file('user.avsc', { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] });
const user2 = file('user2.avsc', { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }] });
const userBad = file('user-bad.avsc', { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }, { name: 'phone', type: 'string' }] });
const ks = (args: string[], input?: string) => run('kschemas', [...args, '--registry', reg.url], { ...(input === undefined ? {} : { input }) });
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe.runIf(runRegistryTests).sequential('kschemas', () => {
  beforeAll(async () => {
    reg = await privateRegistry();
  });
  afterAll(async () => reg?.stop());

  it('--help lists every subcommand with examples, without a registry', async () => {
    const r = await run('kschemas', ['--help']);
    expect(r.code).toBe(0);
    for (const sub of ['list', 'versions', 'get', 'register', 'check', 'config', 'delete']) expect(r.stdout).toContain(`  ${sub}`);
    expect(r.stdout).toContain('Examples:');
  });

  it('says how to give a registry when there is none', async () => {
    const r = await run('kschemas', ['list'], { env: { KAFKA_SCHEMA_REGISTRY_URL: '', KTOOL_CONFIG: '', KTOOL_PROFILE: '', XDG_CONFIG_HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: no Schema Registry given');
    expect(r.stderr).toContain('KAFKA_SCHEMA_REGISTRY_URL');
  });

  it('register: a new version, then the same schema again returns the same id', async () => {
    const a = await ks(['register', 'users-value', user1, '--json']);
    expect(a.code).toBe(0);
    const [first] = jsonLines(a.stdout);
    expect(first).toEqual({ subject: 'users-value', version: 1, id: expect.any(Number), schemaType: 'AVRO' });
    const again = jsonLines((await ks(['register', 'users-value', user1, '--json'])).stdout)[0];
    expect(again).toEqual(first);
    const human = await ks(['register', 'users-value', user1]);
    expect(human.stdout).toBe(`✔ users-value version 1, id ${first.id} (avro)\n`);
  });

  it('check: a compatible change passes; an incompatible one exits 1 with the reason', async () => {
    const ok = await ks(['check', 'users-value', user2, '--json']);
    expect(ok.code).toBe(0);
    expect(jsonLines(ok.stdout)[0]).toEqual({ subject: 'users-value', version: 'latest', compatibility: 'BACKWARD', compatible: true, messages: [] });

    const bad = await ks(['check', 'users-value', userBad]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✖ not compatible with users-value latest \(BACKWARD\)\n {2}.*phone.*\n$/);
    const badJson = jsonLines((await ks(['check', 'users-value', userBad, '--json'])).stdout)[0];
    expect(badJson).toMatchObject({ compatible: false, compatibility: 'BACKWARD' });
    expect(badJson.messages.join(' ')).toContain('phone');

    const fresh = await ks(['check', 'nobody-value', userBad, '--json']);
    expect(fresh.code).toBe(0);
    expect(jsonLines(fresh.stdout)[0]).toMatchObject({ subject: 'nobody-value', compatible: true });
  });

  it('register refuses an incompatible schema, naming the rule and the reason', async () => {
    const r = await ks(['register', 'users-value', userBad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: .*user-bad\.avsc is not compatible with users-value \(BACKWARD\): .*phone/);
    expect(r.stderr).toContain('hint: ');
    expect((await ks(['register', 'users-value', user2, '--json'])).code).toBe(0);
  });

  it('register refuses a file that is not a schema, and one of an unknown type', async () => {
    const broken = file('broken.avsc', '{"type": "record", ');
    const r = await ks(['register', 'x-value', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: .*broken\.avsc is not JSON/);
    const txt = file('schema.txt', '{}');
    const t = await ks(['register', 'x-value', txt]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('pass --type avro|json|protobuf');
    const invalid = await ks(['register', 'x-value', file('invalid.avsc', { type: 'recordz' })]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/error: .*invalid\.avsc/);
  });

  it('list and versions, human and JSON', async () => {
    await ks(['register', 'orders-value', file('order.json', { type: 'object', properties: { id: { type: 'string' } } }), '--type', 'json']);
    const list = await ks(['list']);
    expect(list.stdout).toBe('orders-value\nusers-value\n');
    expect(jsonLines((await ks(['list', '--json'])).stdout)).toEqual([{ subject: 'orders-value' }, { subject: 'users-value' }]);
    expect((await ks(['list', '--prefix', 'us'])).stdout).toBe('users-value\n');
    expect((await ks(['versions', 'users-value'])).stdout).toBe('1\n2\n');
    expect(jsonLines((await ks(['versions', 'users-value', '--json'])).stdout)).toEqual([
      { subject: 'users-value', version: 1 },
      { subject: 'users-value', version: 2 },
    ]);
    const missing = await ks(['versions', 'nope-value']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: Subject 'nope-value' not found");
    expect(missing.stderr).toContain('hint: kschemas list shows the subjects');
  });

  it('get: latest, a version, by id; JSON shapes', async () => {
    const latest = jsonLines((await ks(['get', 'users-value', '--json'])).stdout)[0];
    expect(latest).toEqual({ subject: 'users-value', version: 2, id: expect.any(Number), schemaType: 'AVRO', schema: expect.stringContaining('"age"'), references: [] });
    const v1 = jsonLines((await ks(['get', 'users-value:1', '--json'])).stdout)[0];
    expect(v1.version).toBe(1);
    expect(JSON.parse(v1.schema)).toEqual({ type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] });
    const human = await ks(['get', 'users-value:1']);
    expect(human.stdout.split('\n')[0]).toBe(`users-value version 1, id ${v1.id}, avro`);
    expect(human.stdout).toContain('"name": "User"');
    const byId = jsonLines((await ks(['get', '--id', String(latest.id), '--json'])).stdout)[0];
    expect(byId).toEqual({ id: latest.id, schemaType: 'AVRO', schema: latest.schema, references: [], subjects: [{ subject: 'users-value', version: 2 }] });
    const unknown = await ks(['get', '--id', '99999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/error: .*99999.*not found/i);
    const both = await ks(['get', 'users-value', '--id', '1']);
    expect(both.code).toBe(2);
  });

  it('config: global and per subject, read and set', async () => {
    expect((await ks(['config'])).stdout).toBe('(global)  BACKWARD\n');
    expect(jsonLines((await ks(['config', '--json'])).stdout)[0]).toEqual({ subject: null, compatibility: 'BACKWARD' });
    expect(jsonLines((await ks(['config', 'users-value', '--compatibility', 'FULL', '--json'])).stdout)[0]).toEqual({ subject: 'users-value', compatibility: 'FULL' });
    expect((await ks(['config', 'users-value'])).stdout).toBe('users-value  FULL\n');
    const bad = await ks(['config', 'users-value', '--compatibility', 'SOMETIMES']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are BACKWARD');
  });

  it('delete: asks without a terminal, soft deletes a version, then a subject for good', async () => {
    const unconfirmed = await ks(['delete', 'users-value:1']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('pass --yes');
    expect((await ks(['versions', 'users-value'])).stdout).toBe('1\n2\n');

    const soft = await ks(['delete', 'users-value:1', '--yes', '--json']);
    expect(jsonLines(soft.stdout)[0]).toEqual({ subject: 'users-value', versions: [1], permanent: false });
    expect((await ks(['versions', 'users-value'])).stdout).toBe('2\n');

    const hard = await ks(['delete', 'orders-value', '--permanent', '--yes']);
    expect(hard.code).toBe(0);
    expect(hard.stdout).toBe('✔ permanently deleted orders-value version 1\n');
    expect((await ks(['list'])).stdout).toBe('users-value\n');
    expect((await ks(['list', '--deleted'])).stdout).not.toContain('orders-value');
  });

  it('a registry that does not answer is a clear error within --timeout', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await run('kschemas', ['list', '--registry', `http://127.0.0.1:${port}`, '--timeout', '1500']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`error: the Schema Registry at http://127.0.0.1:${port} did not answer within 1500 ms`);
      expect(r.ms).toBeLessThan(30_000); // bounded by --timeout, not by the 60 s kill of the test runner
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
    const closed = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const refused = await run('kschemas', ['list', '--registry', `http://127.0.0.1:${closed}`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`cannot reach the Schema Registry at http://127.0.0.1:${closed}: ECONNREFUSED`);
  });
});
