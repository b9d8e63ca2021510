// Compressed batches against an independent client: what we write, kcat (librdkafka) reads, and the other way round.
import { execFile } from 'node:child_process';
import '../../../lib/kafka/patches.js'; // first, as the CLI has it: kafkajs's consumer then reads fetches packed (fetched.ts)
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { registerCodecs, type Codec } from '../../../lib/kafka/codecs.js';
import { consume } from '../../../lib/consume/consume.js';
import { openProducer, type Compression } from '../../../lib/kafka/index.js';
import { connection, freshTopic, memoryIo } from '../../support/kafka.js';

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly Compression[];
const TYPE = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;

/** Runs kcat against the test broker; rejects with its stderr on a non-zero exit or after 30 s. */
function kcat(args: string[], stdin = ''): Promise<string> {
  const brokers = connection().brokers.join(',');
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', brokers, ...args], { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${stderr}`, { cause: error }));
      else resolve(stdout);
    });
    child.stdin?.end(stdin);
  });
}

/** key=value lines, repetitive enough that librdkafka keeps the compressed batch (it sends one that does not shrink uncompressed). */
const records = (codec: string) =>
  Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `${codec} record ${i}: café ☕ ${'lorem ipsum '.repeat(5)}` }));

/** The codec object kafkajs uses for this type (the same one every batch), whose methods a spy can count. */
function codecOf(codec: (typeof CODECS)[number]): Codec {
  registerCodecs();
  return (CompressionCodecs[TYPE[codec]] as () => Codec)();
}

describe.each(CODECS)('%s', (codec) => {
  it('what our lib compresses, kcat reads back exactly', async () => {
    const topic = await freshTopic(`z-out-${codec}`);
    const sent = records(codec);
    const producer = await openProducer({ ...connection(), acks: -1, compression: codec });
    const compress = vi.spyOn(codecOf(codec), 'compress');
    let compressed = 0;
    try {
      await producer.send(topic, sent);
    } finally {
      await producer.close();
      compressed = compress.mock.calls.length; // mockRestore clears the count
      compress.mockRestore();
    }
    expect(compressed).toBeGreaterThan(0);
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n']);
    expect(out.split('\n').filter(Boolean)).toEqual(sent.map((r) => `${r.key}=${r.value}`));
  });

  it('what kcat compresses, our lib reads back exactly', async () => {
    const topic = await freshTopic(`z-in-${codec}`);
    const sent = records(codec);
    await kcat(['-P', '-t', topic, '-z', codec, '-K', '='], sent.map((r) => `${r.key}=${r.value}\n`).join(''));
    const decompress = vi.spyOn(codecOf(codec), 'decompress');
    const io = memoryIo();
    let decompressed = 0;
    try {
      await consume(io, { connection: connection(), topics: [topic], fromBeginning: true, exitAtEnd: true, output: { kind: 'json' } });
    } finally {
      decompressed = decompress.mock.calls.length;
      decompress.mockRestore();
    }
    // The batch reached us compressed with this codec: librdkafka had not fallen back to sending it plain.
    expect(decompressed).toBeGreaterThan(0);
    const got = io.stdoutLines().map((l) => JSON.parse(l) as { key: string; value: string });
    expect(got.map((r) => ({ key: r.key, value: r.value }))).toEqual(sent);
  });
});
