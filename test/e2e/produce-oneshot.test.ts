// A one-shot kproduce on a plaintext connection goes without kafkajs (lib/kafka/quick-produce.ts). What it writes must
// be what the full client writes: kcat reads each record back where the report says, keys land where Kafka's own
// partitioner puts them, and the cases it hands to the full client still work.
import { describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { freshTopic, uniqueName } from '../support/kafka.js';
import { kcat } from '../support/kcat.js';

const b = () => ['-b', process.env.KAFKA_BROKERS as string];
const FULL = { KTOOL_QUICK_PRODUCE: '0' };

/** Each record of the topic as kcat sees it: "partition offset key headers value". */
const readAll = (topic: string, count: number) =>
  kcat(['-C', '-t', topic, '-o', 'beginning', '-c', String(count), '-e', '-q', '-f', '%p %o %k %h %s\n']).stdout.trim().split('\n').sort();

describe('one-shot kproduce without kafkajs', () => {
  it('writes keys, values and headers where its reports say, as kcat reads them', async () => {
    const topic = await freshTopic('oneshot', 3);
    const r = await run('kproduce', [...b(), topic, '--json', '-k', 'alice', '-H', 'source=cli', '-H', 'n=1', 'v1', 'v2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(reports).toHaveLength(2);
    expect(readAll(topic, 2)).toEqual(reports.map((x, i) => `${x.partition} ${x.offset} alice source=cli,n=1 v${i + 1}`).sort());
    // Kafka's murmur2: kcat's own partitioner puts alice on the same partition.
    expect(kcat(['-P', '-t', topic, '-k', 'alice', '-X', 'partitioner=murmur2_random'], 'from-kcat\n').code).toBe(0);
    const all = readAll(topic, 3);
    expect(new Set(all.map((l) => l.split(' ')[0])).size).toBe(1);
  });

  it('puts each key on the partition the full client (kafkajs) picks, and spreads keyless records', async () => {
    const topic = await freshTopic('oneshot-keys', 6);
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const where = async (env: NodeJS.ProcessEnv) => {
      const found: number[] = [];
      for (const k of keys) {
        const r = await run('kproduce', [...b(), topic, '--json', '-k', k, 'x'], { env });
        expect(r.code).toBe(0);
        found.push((JSON.parse(r.stdout) as { partition: number }).partition);
      }
      return found;
    };
    expect(await where({})).toEqual(await where(FULL));
    const spread = await run('kproduce', [...b(), topic, '--json', 'a', 'b', 'c', 'd', 'e', 'f']);
    expect(new Set(spread.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { partition: number }).partition)).size).toBe(6);
  });

  it('offsets follow on from the full client and back (one log, one numbering)', async () => {
    const topic = await freshTopic('oneshot-offsets', 1);
    const offsets: string[] = [];
    for (const env of [{}, FULL, {}, {}]) {
      const r = await run('kproduce', [...b(), topic, 'm'], { env });
      expect(r.code).toBe(0);
      offsets.push(r.stdout.match(/@(\d+)/)![1]!);
    }
    expect(offsets).toEqual(['0', '1', '2', '3']);
    expect(readAll(topic, 4)).toEqual(['0 0   m', '0 1   m', '0 2   m', '0 3   m']);
  });

  it('-p, --acks 1, and what goes to the full client (--acks 0, compression, a topic the send creates, a partition the topic lacks)', async () => {
    const created = uniqueName('oneshot-new');
    const first = await run('kproduce', [...b(), created, 'first']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${created}\\[\\d+\\]@0`));
    const topic = await freshTopic('oneshot-flags', 3);
    for (const args of [['-p', '2', 'p2'], ['--acks', '1', 'one'], ['--acks', '0', 'zero'], ['-z', 'gzip', 'gz']]) {
      const r = await run('kproduce', [...b(), topic, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(readAll(topic, 4).map((l) => l.split(' ').pop()).sort()).toEqual(['gz', 'one', 'p2', 'zero']);
    expect(readAll(topic, 4).find((l) => l.endsWith('p2'))).toMatch(/^2 /);
    const missing = await run('kproduce', [...b(), topic, '-p', '3', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`topic "${topic}" has no partition 3`);
    expect(missing.stdout).toBe('');
  });
});
