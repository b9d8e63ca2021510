// lib/produce against the shared real broker: reports, input modes, keys, headers, tombstones, JSON input, failures, Ctrl-C.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { produce } from '../../../lib/produce/produce.js';
import { topicOffsets } from '../../../lib/kafka/index.js';
import { read, send, sendStream } from '../../support/clients.js';
import { connection, eventually, freshTopic, memoryIo } from '../../support/kafka.js';

describe('produce: reports', () => {
  it('prints one delivery report per message, after the ack, with consecutive offsets', async () => {
    const topic = await freshTopic('reports');
    const { result, reports } = await send(topic, ['a', 'b', 'c']);
    expect(result).toMatchObject({ acknowledged: 3, failed: 0, bytes: 3 });
    expect(reports.map((r) => [r.topic, r.partition, r.offset])).toEqual([[topic, 0, 0], [topic, 0, 1], [topic, 0, 2]]);
    expect(reports.every((r) => typeof r.latencyMs === 'number')).toBe(true);
    const [p0] = await topicOffsets(connection(), topic);
    expect(p0?.high).toBe('3');
  });

  it('prints human reports like the Go original: ✔ topic[partition]@offset key latency', async () => {
    const topic = await freshTopic('pretty');
    const io = memoryIo();
    await send(topic, ['x'], { json: false, key: 'transferencia' }, io);
    expect(io.stdoutText()).toMatch(new RegExp(`^✔ ${topic}\\[0\\]@0 key=transferencia \\d+ ms\\n$`));
  });

  it('reads one message per stdin line, in bounded batches, and reports the right offset for each', async () => {
    const topic = await freshTopic('stdin', 3);
    const lines = Array.from({ length: 2_500 }, (_, i) => `line-${i}`);
    const { reports, io } = await sendStream(topic, lines.join('\n') + '\n', { batchSize: 100 });
    expect(reports).toHaveLength(2_500);
    const { records } = await read([topic]);
    const byPlace = new Map(records.map((r) => [`${r.partition}@${r.offset}`, r.value]));
    // Each report names the partition and offset where that very line was stored.
    reports.forEach((r, i) => expect(byPlace.get(`${r.partition}@${r.offset}`)).toBe(lines[i]));
    expect(io.stderrText()).toMatch(/kproduce: 2500 messages \(.+\) acknowledged in \d+ ms/);
  });

  it('in summary mode prints no per-message report, only the summary (JSON on stdout with --json)', async () => {
    const topic = await freshTopic('summary');
    const pretty = await sendStream(topic, 'a\nb\nc\n', { report: 'summary', json: false });
    expect(pretty.io.stdoutText()).toBe('');
    expect(pretty.io.stderrText()).toMatch(/^kproduce: 3 messages \(3 B\) acknowledged in \d+ ms, \d+ msg\/s\n$/);
    const json = await sendStream(topic, 'd\ne\n', { report: 'summary', json: true });
    expect(json.reports).toEqual([expect.objectContaining({ acknowledged: 2, failed: 0, bytes: 2, interrupted: false })]);
    const none = await sendStream(topic, 'f\n', { report: 'none' });
    expect([none.io.stdoutText(), none.io.stderrText()]).toEqual(['', '']);
    expect((await read([topic])).records.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('sends a full batch without waiting for the linger time or the end of the input', async () => {
    const topic = await freshTopic('linger');
    const input = new PassThrough();
    const io = memoryIo();
    const run = produce(io, { connection: connection(), topic, source: { kind: 'stream', stream: input, delimiter: Buffer.from('\n') }, acks: -1, report: 'each', json: true, batchSize: 2, lingerMs: 600_000 });
    input.write('one\ntwo\n');
    // Both are acknowledged while the input is still open: the batch was full.
    await eventually(() => (io.stdoutLines().length === 2 ? true : undefined), 20_000, 'the first batch to be acknowledged');
    input.end('three\n');
    await run;
    expect(io.stdoutLines().map((l) => JSON.parse(l).offset)).toEqual([0, 1, 2]);
  });
});

describe('produce: input modes', () => {
  it('sends messages with one key to one partition, in order', async () => {
    const topic = await freshTopic('keys', 3);
    for (const key of ['alice', 'bob', 'carol']) await send(topic, ['1', '2', '3', '4'].map((n) => `${key}-${n}`), { key });
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
    const { reports } = await send(topic, ['x', 'y'], { partition: 2, acks: 1 });
    expect(reports.map((r) => r.partition)).toEqual([2, 2]);
  });

  it('splits key and value at the first key separator (-K); lines without it have no key', async () => {
    const topic = await freshTopic('keysep', 3);
    await sendStream(topic, 'user-1:a:b\nno separator\nuser-2:\n', { parse: { kind: 'text', keySeparator: Buffer.from(':') } });
    const { records } = await read([topic]);
    const pairs = records.map((r) => [r.key, r.value]).sort();
    expect(pairs).toEqual([[null, 'no separator'], ['user-1', 'a:b'], ['user-2', '']].sort());
  });

  it('splits the input at another delimiter (-D), so values may hold newlines, even across chunks', async () => {
    const topic = await freshTopic('delim');
    await sendStream(topic, [Buffer.from('first\nli'), Buffer.from('ne\0sec'), Buffer.from('ond\0')], { delimiter: Buffer.from([0]) });
    expect((await read([topic])).records.map((r) => r.value)).toEqual(['first\nline', 'second']);
  });

  it('adds headers to every message (-H), keeping repeated names and their order', async () => {
    const topic = await freshTopic('headers');
    await send(topic, ['v'], { headers: [['source', 'cli'], ['tag', 'a'], ['tag', 'b=c']] });
    const { records } = await read([topic]);
    expect(records[0]).toMatchObject({ value: 'v', headers: { source: 'cli', tag: ['a', 'b=c'] } });
  });

  it('sends tombstones: null values for a key, or for the empty values of keyed lines', async () => {
    const topic = await freshTopic('tombstone');
    await send(topic, [''], { key: 'user-1', tombstone: true });
    await sendStream(topic, 'user-2:\nuser-3:kept\n', { tombstone: true, parse: { kind: 'text', keySeparator: Buffer.from(':') } });
    const { records } = await read([topic]);
    expect(records.map((r) => [r.key, r.value])).toEqual([['user-1', null], ['user-2', null], ['user-3', 'kept']]);
  });

  it('keeps binary keys, values and headers byte for byte', async () => {
    const topic = await freshTopic('binary');
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x0a]);
    const { openProducer } = await import('../../../lib/kafka/index.js');
    const producer = await openProducer({ ...connection(), acks: -1 });
    await producer.send(topic, [{ key: Buffer.from([0x80]), value: bytes, headers: [['h', Buffer.from([0xc3])]] }]);
    await producer.close();
    const { records } = await read([topic]);
    expect(records[0]).toMatchObject({ key: 'gA==', keyEncoding: 'base64', valueEncoding: 'base64', headers: { h: 'ww==' }, headersEncoding: 'base64' });
    expect(Buffer.from(records[0].value, 'base64').equals(bytes)).toBe(true);
  });
});

describe('produce: --json-input', () => {
  it('copies a topic exactly: kconsume --json | kproduce --json-input', async () => {
    const source = await freshTopic('copy-src', 3);
    const lines = [
      { key: 'k1', value: 'plain', headers: { a: '1' }, timestamp: 1_700_000_000_000 },
      { key: null, value: Buffer.from([0, 1, 255]).toString('base64'), valueEncoding: 'base64', headers: {}, timestamp: 1_700_000_000_001 },
      { key: 'k1', value: null, headers: { dup: ['x', 'y'] }, timestamp: 1_700_000_000_002 },
      { key: 'k2', value: 'ünïcödé', headers: { bin: '/w==' }, headersEncoding: 'base64', timestamp: 1_700_000_000_003 },
    ];
    await sendStream(source, lines.map((l) => JSON.stringify(l)).join('\n'), { parse: { kind: 'json' } });
    const original = (await read([source])).records;
    expect(original).toHaveLength(4);

    const copy = await freshTopic('copy-dst', 3);
    await sendStream(copy, original.map((r) => JSON.stringify(r)).join('\n') + '\n', { parse: { kind: 'json' } });
    const copied = (await read([copy])).records;
    const strip = (rs: typeof original) => rs.map(({ topic: _t, ...rest }) => rest).sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    expect(strip(copied)).toEqual(strip(original));
    expect(original.map((r) => r.timestamp).sort()).toEqual([1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002, 1_700_000_000_003]);
  });

  it('reports a malformed line by number: earlier lines are sent, nothing after it', async () => {
    const topic = await freshTopic('badjson');
    const io = memoryIo();
    const run = sendStream(topic, '{"value":"one"}\n{"value":"two"}\n{"value": nope}\n{"value":"four"}\n', { parse: { kind: 'json' } }, io);
    await expect(run).rejects.toMatchObject({ code: 'BAD_JSON_INPUT', exitCode: 1, message: expect.stringMatching(/^line 3: .*\(the 2 messages before it were acknowledged\)$/) });
    expect((await read([topic])).records.map((r) => r.value)).toEqual(['one', 'two']);
    expect(io.stdoutLines().map((l) => JSON.parse(l).offset)).toEqual([0, 1]);
  });
});

describe('produce: failures and Ctrl-C', () => {
  it('fails within the timeout, with a clear error, when no broker answers', async () => {
    const started = Date.now();
    await expect(
      produce(memoryIo(), { connection: { brokers: ['127.0.0.1:1'], timeoutMs: 2_000 }, topic: 't', source: { kind: 'args', values: ['m'] }, acks: -1, report: 'each', json: false }),
    ).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', exitCode: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a record larger than the topic allows, naming the fix', async () => {
    const topic = await freshTopic('too-large', 1, connection(), 1, { 'max.message.bytes': '10000' });
    await expect(send(topic, ['x'.repeat(20_000)])).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', hint: expect.stringContaining('max.message.bytes') });
  });

  it('on Ctrl-C stops reading, keeps every acknowledged message exactly once, and says it was interrupted', async () => {
    const topic = await freshTopic('sigint', 3);
    const input = new PassThrough();
    const controller = new AbortController();
    const io = memoryIo();
    let n = 0;
    // An endless input: a line every tick until the abort.
    const feeder = setInterval(() => {
      for (let i = 0; i < 200; i += 1) input.write(`m-${(n += 1)}\n`);
    }, 5);
    const run = produce(io, { connection: connection(), topic, source: { kind: 'stream', stream: input, delimiter: Buffer.from('\n') }, acks: -1, report: 'none', json: false, batchSize: 100, signal: controller.signal });
    await eventually(async () => ((await topicOffsets(connection(), topic)).reduce((s, p) => s + Number(p.high), 0) >= 1_000 ? true : undefined), 30_000, '1000 records');
    controller.abort();
    const result = await run;
    clearInterval(feeder);
    input.end();
    expect(result.interrupted).toBe(true);
    const values = (await read([topic])).records.map((r) => r.value as string);
    expect(values).toHaveLength(result.acknowledged);
    expect(new Set(values).size).toBe(values.length);
    // What was sent is a prefix of the input: nothing skipped in the middle.
    expect(values.map((v) => Number(v.slice(2))).sort((a, b) => a - b)).toEqual(Array.from({ length: values.length }, (_, i) => i + 1));
  });
});
