// lib/consume against the shared real broker: groups, resume, start positions, stop conditions, output modes, Ctrl-C.
import { describe, expect, it } from 'vitest';
import { consume, type ConsumeOptions } from '../../../lib/consume/consume.js';
import { Writable } from 'node:stream';
import { deleteTopics, describeBrokers, describeGroups, groupOffsets, openProducer } from '../../../lib/kafka/index.js';
import { compileFormat } from '../../../lib/consume/format.js';
import { read, send } from '../../support/clients.js';
import { connection, eventually, freshTopic, memoryIo, uniqueName, type CapturedIo } from '../../support/kafka.js';

const values = (records: Array<{ value: unknown }>) => records.map((r) => r.value);
const lastAssignment = (io: CapturedIo) => io.stderrText().trim().split('\n').filter((l) => l.includes('assigned')).at(-1) ?? '';

/** Starts members of one group until each owns a partition and all `total` records are printed, then stops them all. */
async function runGroup(topic: string, group: string, members: number, total: number) {
  const controller = new AbortController();
  const ios = Array.from({ length: members }, () => memoryIo());
  const opts: ConsumeOptions = { connection: connection(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, output: { kind: 'json' }, signal: controller.signal };
  const runs = ios.map((io) => consume(io, opts));
  await eventually(() => {
    const settled = ios.every((io) => /assigned \S+\[\d\]$/.test(lastAssignment(io)));
    const printed = ios.reduce((s, io) => s + io.stdoutLines().length, 0);
    return settled && printed >= total ? true : undefined;
  }, 90_000, `${members} members to split the partitions and print ${total} records`);
  controller.abort();
  await Promise.all(runs);
  return ios;
}

describe('consume: groups', () => {
  it('resumes a group from its committed offsets and never re-delivers what it printed', async () => {
    const topic = await freshTopic('resume');
    await send(topic, ['1', '2', '3', '4', '5']);
    const group = uniqueName('g');
    expect(values((await read([topic], { groupId: group, maxMessages: 3, exitAtEnd: false })).records)).toEqual(['1', '2', '3']);
    expect(values((await read([topic], { groupId: group })).records)).toEqual(['4', '5']);
    expect((await read([topic], { groupId: group })).records).toEqual([]);
  });

  it('gives every group every message', async () => {
    const topic = await freshTopic('fanout', 3);
    await send(topic, ['a', 'b', 'c', 'd', 'e', 'f']);
    const [one, two] = await Promise.all([read([topic], { groupId: uniqueName('g1') }), read([topic], { groupId: uniqueName('g2') })]);
    expect(values(one.records).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(values(two.records).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it.each([2, 3])('splits the partitions between %i members of one group, each record printed once', async (members) => {
    const topic = await freshTopic('split', members);
    const all: string[] = [];
    for (let p = 0; p < members; p += 1) {
      const mine = [`p${p}-a`, `p${p}-b`];
      await send(topic, mine, { partition: p });
      all.push(...mine);
    }
    const group = uniqueName('split');
    const ios = await runGroup(topic, group, members, all.length);
    const owned = ios.map(lastAssignment).sort();
    expect(owned).toEqual(Array.from({ length: members }, (_, p) => `group ${group}: assigned ${topic}[${p}]`));
    const printed = ios.flatMap((io) => io.stdoutLines().map((l) => JSON.parse(l).value));
    expect(printed.sort()).toEqual(all.sort());
  });

  it('with -e and a group, reads what is new for the group and exits', async () => {
    const topic = await freshTopic('exit-group', 2);
    const group = uniqueName('g');
    await send(topic, ['old-1', 'old-2']);
    expect(values((await read([topic], { groupId: group })).records).sort()).toEqual(['old-1', 'old-2']);
    await send(topic, ['new-1']);
    const { records, result } = await read([topic], { groupId: group });
    expect(values(records)).toEqual(['new-1']);
    expect(result.reason).toBe('end');
  });

  it('exits at once with -e on an empty topic, in a throwaway group', async () => {
    const topic = await freshTopic('empty', 2);
    const { records, result } = await read([topic]);
    expect(records).toEqual([]);
    expect(result.groupId).toMatch(/^kconsume-/);
  });

  it('on Ctrl-C commits what it printed: the next run of the group reads the rest, nothing twice', async () => {
    const topic = await freshTopic('ctrl-c', 3);
    const all = Array.from({ length: 3_000 }, (_, i) => `r${i}`);
    const { openProducer: open } = await import('../../../lib/kafka/index.js');
    const producer = await open({ ...connection(), acks: -1 });
    for (let i = 0; i < all.length; i += 500) await producer.send(topic, all.slice(i, i + 500).map((value) => ({ key: null, value })));
    await producer.close();
    const group = uniqueName('g');
    const controller = new AbortController();
    const io = memoryIo();
    const run = consume(io, { connection: connection(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, output: { kind: 'raw' }, signal: controller.signal });
    await eventually(() => (io.stdoutLines().length >= 100 ? true : undefined), 30_000, 'some records');
    controller.abort();
    const first = await run;
    expect(first.interrupted).toBe(true);
    const firstValues = io.stdoutLines();
    const rest = await read([topic], { groupId: group });
    const together = [...firstValues, ...values(rest.records)];
    expect(together.sort()).toEqual([...all].sort());
  });
});

describe('consume: failures reported as what they are', () => {
  // Issue 12 item 3: kafkajs restarted the consumer of a deleted topic every 100 ms, forever, with a MaxListenersExceededWarning.
  it('a topic deleted under it: stops with TOPIC_DELETED, no warning', async () => {
    const topic = await freshTopic('deleted', 3);
    await send(topic, ['a', 'b', 'c']);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const io = memoryIo();
      const group = uniqueName('g');
      const running = consume(io, { connection: connection(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, output: { kind: 'json' } });
      const outcome = running.then(() => 'returned', (e: { code?: string; message?: string }) => e);
      await eventually(() => (io.stdoutLines().length === 3 ? true : undefined), 30_000, 'the three records');
      await deleteTopics(connection(), [topic]);
      const deadline = new Promise((resolve) => setTimeout(() => resolve('still running 60 s after the delete'), 60_000));
      expect(await Promise.race([outcome, deadline])).toMatchObject({ code: 'TOPIC_DELETED', exitCode: 1, message: `topic "${topic}" was deleted while it was being read` });
      expect(warnings).toEqual([]);
      // It left the group on the way out.
      expect((await describeGroups(connection(), [group]))[0]?.members).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  /** A stdout whose reader goes away after the first write, as `| head -1` does: later writes fail with EPIPE. */
  function closingStdout() {
    let first = '';
    let writes = 0;
    const stdout = new Writable({
      write(chunk: Buffer, _enc, done) {
        writes += 1;
        if (writes === 1) first = chunk.toString();
        done(writes === 1 ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    return { io: { ...memoryIo(), stdout }, firstWrite: () => first };
  }

  it('stdout closing (| head -1) stops it: the member has left the group when it returns; only what was written is committed', async () => {
    const topic = await freshTopic('closed', 3);
    for (let p = 0; p < 3; p += 1) await send(topic, Array.from({ length: 50 }, (_, i) => `p${p}-${i}`), { partition: p });
    const group = uniqueName('g');
    const { io, firstWrite } = closingStdout();
    const result = await consume(io, { connection: connection(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, output: { kind: 'json' } });
    expect(result.reason).toBe('closed');
    // No waiting: the member is gone at once (it used to stay until its session timed out, ~30 s, refusing resets).
    const [info] = await describeGroups(connection(), [group]);
    expect(info).toMatchObject({ state: 'Empty', members: [] });
    // The batch that reached the reader is committed; the one whose write failed is not (it is read again next time).
    const written = firstWrite().split('\n').filter(Boolean).length;
    expect(written).toBeGreaterThan(0);
    const committed = (await groupOffsets(connection(), group, [topic])).reduce((n, p) => n + Number(p.offset), 0);
    expect(committed).toBe(written);
  });

  it('stdout closing in a throwaway group: the group is deleted at exit, as for any other stop', async () => {
    const topic = await freshTopic('closed-tmp', 3);
    for (let p = 0; p < 3; p += 1) await send(topic, [`p${p}-a`, `p${p}-b`], { partition: p });
    const { io } = closingStdout();
    const result = await consume(io, { connection: connection(), topics: [topic], fromBeginning: true, exitAtEnd: false, output: { kind: 'json' } });
    expect(result.reason).toBe('closed');
    expect(result.groupId).toMatch(/^kconsume-/);
    // Kafka describes a group it does not know as Dead.
    expect((await describeGroups(connection(), [result.groupId]))[0]?.state).toBe('Dead');
  });
});

describe('consume: where to start', () => {
  it('-o beginning rereads what a group has committed; -o end reads nothing old', async () => {
    const topic = await freshTopic('offsets', 2);
    await send(topic, ['a', 'b', 'c', 'd']);
    const group = uniqueName('g');
    await read([topic], { groupId: group });
    expect(values((await read([topic], { groupId: group, startAt: { from: 'beginning' } })).records).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await read([topic], { groupId: uniqueName('g'), startAt: { from: 'end' } })).records).toEqual([]);
  });

  it('-o N starts at an absolute offset; -o -N reads the last N of each partition', async () => {
    const topic = await freshTopic('offset-n', 2);
    for (const p of [0, 1]) await send(topic, ['0', '1', '2', '3', '4'].map((v) => `p${p}-${v}`), { partition: p });
    expect(values((await read([topic], { partitions: [1], startAt: { from: 'offset', offset: 3n } })).records)).toEqual(['p1-3', 'p1-4']);
    expect(values((await read([topic], { startAt: { from: 'fromEnd', count: 2n } })).records).sort()).toEqual(['p0-3', 'p0-4', 'p1-3', 'p1-4']);
    // Past either end clamps to what the partition holds.
    expect((await read([topic], { startAt: { from: 'fromEnd', count: 99n } })).records).toHaveLength(10);
    expect((await read([topic], { startAt: { from: 'offset', offset: 99n } })).records).toEqual([]);
  });

  it('--since starts at the first record at or after a time', async () => {
    const topic = await freshTopic('since', 2);
    const day = 86_400_000;
    const now = Date.now();
    const producer = await openProducer({ ...connection(), acks: -1 });
    await producer.send(topic, [
      { key: 'a', value: 'ten days ago', timestamp: String(now - 10 * day) },
      { key: 'b', value: 'eight days ago', timestamp: String(now - 8 * day) },
      { key: 'a', value: 'two days ago', timestamp: String(now - 2 * day) },
      { key: 'b', value: 'an hour ago', timestamp: String(now - 3_600_000) },
    ]);
    await producer.close();
    expect(values((await read([topic], { startAt: { from: 'time', timestamp: now - 7 * day } })).records).sort()).toEqual(['an hour ago', 'two days ago']);
    expect((await read([topic], { startAt: { from: 'time', timestamp: now + day } })).records).toEqual([]);
  });

  it('-p reads only the chosen partitions; refuses a partition that does not exist, or -p with a group', async () => {
    const topic = await freshTopic('only-p', 3);
    for (const p of [0, 1, 2]) await send(topic, [`in-${p}`], { partition: p });
    const { records, stderr } = await read([topic], { partitions: [0, 2] });
    expect(values(records).sort()).toEqual(['in-0', 'in-2']);
    expect(stderr).toContain(`assigned ${topic}[0,2]`);
    await expect(read([topic], { partitions: [7] })).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION', message: expect.stringContaining('no partition 7') });
    await expect(read([topic], { partitions: [0], groupId: 'g' })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('consume: when to stop, what to print', () => {
  it('--idle-timeout exits when nothing new arrives', async () => {
    const topic = await freshTopic('idle');
    await send(topic, ['x', 'y']);
    const { records, result } = await read([topic], { exitAtEnd: false, idleTimeoutMs: 1_500 });
    expect(values(records)).toEqual(['x', 'y']);
    expect(result.reason).toBe('idle');
  });

  it('-n stops after that many records', async () => {
    const topic = await freshTopic('max');
    await send(topic, ['1', '2', '3']);
    const { records, result } = await read([topic], { exitAtEnd: false, maxMessages: 2 });
    expect(values(records)).toEqual(['1', '2']);
    expect(result.reason).toBe('limit');
  });

  it('prints raw values, kcat-style templates and verbose lines', async () => {
    const topic = await freshTopic('outputs');
    const producer = await openProducer({ ...connection(), acks: -1 });
    await producer.send(topic, [{ key: 'k', value: Buffer.from([0x68, 0x69, 0xff]), headers: [['h', Buffer.from('v')]], timestamp: '1700000000000' }]);
    await producer.close();
    const rawBytes = await readBytes(topic, { kind: 'raw' });
    expect(rawBytes.equals(Buffer.from([0x68, 0x69, 0xff, 0x0a]))).toBe(true);
    const fmt = await readBytes(topic, { kind: 'format', render: compileFormat('%t|%p|%o|%k|%T|%h|%S\\n') });
    expect(fmt.toString()).toBe(`${topic}|0|0|k|1700000000000|h=v|3\n`);
    const verbose = await read([topic], { output: { kind: 'pretty', verbose: true } });
    expect(verbose.io.stdoutText()).toBe(`${topic}[0]@0 2023-11-14T22:13:20.000Z key=k h=v base64:aGn/\n`);
  });

  it('--raw writes each value and a newline, byte for byte, across writes and past a value larger than one write', async () => {
    const topic = await freshTopic('raw-bytes');
    const big = Buffer.alloc(700 * 1024, 0x61); // larger than one write's buffer (256 KiB)
    const values = [...Array.from({ length: 5_000 }, (_, i) => Buffer.from(`v${i}`)), big, Buffer.alloc(0), null, Buffer.from('last')];
    const producer = await openProducer({ ...connection(), acks: -1 });
    await producer.send(topic, values.map((value) => ({ key: null, value })));
    await producer.close();
    const expected = Buffer.concat(values.flatMap((v) => [v ?? Buffer.alloc(0), Buffer.from('\n')]));
    expect((await readBytes(topic, { kind: 'raw' })).equals(expected)).toBe(true);
  });

  it('--pattern reads every topic whose whole name matches', async () => {
    const prefix = uniqueName('pat');
    const [a, b] = [`${prefix}-a`, `${prefix}-b`];
    const { createTopic } = await import('../../../lib/kafka/index.js');
    for (const t of [a, b, `x${prefix}-c`]) await createTopic(connection(), t, 1);
    await send(a, ['from-a']);
    await send(b, ['from-b']);
    await send(`x${prefix}-c`, ['not me']);
    const { records, result } = await read([], { pattern: new RegExp(`^(?:${prefix}-.*)$`) });
    expect(values(records).sort()).toEqual(['from-a', 'from-b']);
    expect(result.topics.sort()).toEqual([a, b]);
    await expect(read([], { pattern: /^(?:no-such-topic-.*)$/ })).rejects.toMatchObject({ code: 'NO_TOPIC_MATCHES' });
  });

  it('says that an unknown topic does not exist', async () => {
    await expect(read([uniqueName('missing')])).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it('talks to the broker that global setup provides', async () => {
    const meta = await describeBrokers(connection());
    expect(meta.brokers).toHaveLength(1);
  });
});

/** Reads a topic and returns stdout's exact bytes. */
async function readBytes(topic: string, output: ConsumeOptions['output']): Promise<Buffer> {
  const io = memoryIo();
  const chunks: Buffer[] = [];
  io.stdout.on('data', (b: Buffer) => chunks.push(b));
  await consume(io, { connection: connection(), topics: [topic], fromBeginning: true, exitAtEnd: true, output });
  return Buffer.concat(chunks);
}
