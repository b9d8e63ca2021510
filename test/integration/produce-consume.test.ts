// lib/produce and lib/consume against the shared real broker: reports, keys, groups, resume, limits.
import { describe, expect, it } from 'vitest';
import { consume, type ConsumeOptions } from '../../lib/consume.js';
import { describeBrokers, topicOffsets } from '../../lib/kafka.js';
import { produce } from '../../lib/produce.js';
import { connection, freshTopic, memoryIo, uniqueName } from '../support/kafka.js';

const conn = () => connection();

async function read(topics: string[], options: Partial<ConsumeOptions> = {}) {
  const io = memoryIo();
  const result = await consume(io, { connection: conn(), topics, fromBeginning: true, exitAtEnd: true, json: true, ...options });
  return { result, records: io.stdoutLines().map((l) => JSON.parse(l)), stderr: io.stderrText() };
}

describe('produce', () => {
  it('prints one delivery report per message, after the ack, with consecutive offsets', async () => {
    const topic = await freshTopic('reports');
    const io = memoryIo();
    const result = await produce(io, { connection: conn(), topic, messages: ['a', 'b', 'c'], acks: -1, json: true });
    expect(result).toMatchObject({ acknowledged: 3, failed: 0 });
    const reports = io.stdoutLines().map((l) => JSON.parse(l));
    expect(reports.map((r) => [r.topic, r.partition, r.offset])).toEqual([[topic, 0, 0], [topic, 0, 1], [topic, 0, 2]]);
    expect(reports.every((r) => typeof r.latencyMs === 'number')).toBe(true);
    const [p0] = await topicOffsets(conn(), topic);
    expect(p0?.high).toBe('3');
  });

  it('reads one message per stdin line, in bounded batches, and reports the right offset for each', async () => {
    const topic = await freshTopic('stdin', 3);
    const lines = Array.from({ length: 2_500 }, (_, i) => `line-${i}`);
    const io = memoryIo(lines.join('\n') + '\n');
    await produce(io, { connection: conn(), topic, messages: [], acks: -1, json: true, batchSize: 100 });
    const reports = io.stdoutLines().map((l) => JSON.parse(l));
    expect(reports).toHaveLength(2_500);
    const { records } = await read([topic]);
    const byPlace = new Map(records.map((r) => [`${r.partition}@${r.offset}`, r.value]));
    // Each report names the partition and offset where that very line was stored.
    reports.forEach((r, i) => expect(byPlace.get(`${r.partition}@${r.offset}`)).toBe(lines[i]));
    expect(io.stderrText()).toMatch(/2500 messages acknowledged/);
  });

  it('sends messages with one key to one partition, in order', async () => {
    const topic = await freshTopic('keys', 3);
    for (const key of ['alice', 'bob', 'carol']) {
      await produce(memoryIo(), { connection: conn(), topic, key, messages: ['1', '2', '3', '4'].map((n) => `${key}-${n}`), acks: -1, json: true });
    }
    const { records } = await read([topic]);
    expect(records).toHaveLength(12);
    for (const key of ['alice', 'bob', 'carol']) {
      const mine = records.filter((r) => r.key === key);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.map((r) => r.value)).toEqual(['1', '2', '3', '4'].map((n) => `${key}-${n}`));
    }
  });

  it('writes to the partition asked for', async () => {
    const topic = await freshTopic('partition', 3);
    const io = memoryIo();
    await produce(io, { connection: conn(), topic, partition: 2, messages: ['x', 'y'], acks: 1, json: true });
    expect(io.stdoutLines().map((l) => JSON.parse(l).partition)).toEqual([2, 2]);
  });

  it('fails within the timeout, with a clear error, when no broker answers', async () => {
    const started = Date.now();
    await expect(
      produce(memoryIo(), { connection: { brokers: ['127.0.0.1:1'], timeoutMs: 2_000 }, topic: 't', messages: ['m'], acks: -1, json: false }),
    ).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', exitCode: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('consume', () => {
  it('resumes a group from its committed offsets and never re-delivers what it printed', async () => {
    const topic = await freshTopic('resume');
    await produce(memoryIo(), { connection: conn(), topic, messages: ['1', '2', '3', '4', '5'], acks: -1, json: true });
    const group = uniqueName('g');
    const first = await read([topic], { groupId: group, maxMessages: 3, exitAtEnd: false });
    expect(first.records.map((r) => r.value)).toEqual(['1', '2', '3']);
    const second = await read([topic], { groupId: group });
    expect(second.records.map((r) => r.value)).toEqual(['4', '5']);
    const third = await read([topic], { groupId: group });
    expect(third.records).toEqual([]);
  });

  it('gives every group every message', async () => {
    const topic = await freshTopic('fanout', 3);
    await produce(memoryIo(), { connection: conn(), topic, messages: ['a', 'b', 'c', 'd', 'e', 'f'], acks: -1, json: true });
    const [one, two] = await Promise.all([read([topic], { groupId: uniqueName('g1') }), read([topic], { groupId: uniqueName('g2') })]);
    expect(one.records.map((r) => r.value).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(two.records.map((r) => r.value).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('splits the partitions between members of one group', async () => {
    const topic = await freshTopic('split', 2);
    await produce(memoryIo(), { connection: conn(), topic, partition: 0, messages: ['p0-a', 'p0-b'], acks: -1, json: true });
    await produce(memoryIo(), { connection: conn(), topic, partition: 1, messages: ['p1-a', 'p1-b'], acks: -1, json: true });
    const group = uniqueName('split');
    const controller = new AbortController();
    const a = memoryIo();
    const b = memoryIo();
    const opts = { connection: conn(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, json: true, signal: controller.signal };
    const runs = [consume(a, opts), consume(b, opts)];
    // Both members print an assignment line; once each owns one partition and all four records are out, stop both.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const owned = [a, b].map((io) => io.stderrText().trim().split('\n').at(-1) ?? '');
      const total = a.stdoutLines().length + b.stdoutLines().length;
      if (owned.every((l) => /assigned \S+\[\d\]$/.test(l)) && total >= 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    controller.abort();
    await Promise.all(runs);
    const lastAssignment = (io: typeof a) => io.stderrText().trim().split('\n').at(-1);
    expect([lastAssignment(a), lastAssignment(b)].sort()).toEqual([`group ${group}: assigned ${topic}[0]`, `group ${group}: assigned ${topic}[1]`]);
    const values = [...a.stdoutLines(), ...b.stdoutLines()].map((l) => JSON.parse(l).value);
    expect(values.sort()).toEqual(['p0-a', 'p0-b', 'p1-a', 'p1-b']);
  });

  it('exits at once with -e on an empty topic, and a throwaway group leaves no offsets behind', async () => {
    const topic = await freshTopic('empty', 2);
    const { records, result } = await read([topic]);
    expect(records).toEqual([]);
    expect(result.groupId).toMatch(/^kconsume-/);
  });

  it('keeps binary values intact as base64 in JSON', async () => {
    const topic = await freshTopic('binary');
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41]);
    const { openProducer } = await import('../../lib/kafka.js');
    const producer = await openProducer({ ...conn(), acks: -1 });
    await producer.send(topic, [{ key: 'k', value: bytes, headers: { h1: 'v1' } }]);
    await producer.close();
    const { records } = await read([topic]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ key: 'k', valueEncoding: 'base64', headers: { h1: 'v1' } });
    expect(Buffer.from(records[0].value, 'base64').equals(bytes)).toBe(true);
  });

  it('says that an unknown topic does not exist', async () => {
    await expect(read([uniqueName('missing')])).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it('talks to the broker that global setup provides', async () => {
    const meta = await describeBrokers(conn());
    expect(meta.brokers).toHaveLength(1);
  });
});
