// Test helpers that drive lib/produce and lib/consume in-process against the real broker, capturing what they print.
import { Readable } from 'node:stream';
import { consume, type ConsumeOptions } from '../../lib/consume/consume.js';
import { produce, type ProduceOptions } from '../../lib/produce/produce.js';
import { connection, memoryIo, type CapturedIo } from './kafka.js';

/** Sends one record per value (arguments mode) and returns the JSON delivery reports. */
export async function send(topic: string, values: string[], over: Partial<ProduceOptions> = {}, io: CapturedIo = memoryIo()) {
  const result = await produce(io, { connection: connection(), topic, source: { kind: 'args', values }, acks: -1, report: 'each', json: true, ...over });
  return { result, reports: over.json === false ? [] : io.stdoutLines().map((l) => JSON.parse(l)), io };
}

/** Sends the records of a byte stream (stdin mode) split at the delimiter (default newline). */
export async function sendStream(topic: string, input: string | Buffer | Buffer[], over: Partial<ProduceOptions> & { delimiter?: Buffer } = {}, io: CapturedIo = memoryIo()) {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input];
  const { delimiter = Buffer.from('\n'), ...rest } = over;
  const source = { kind: 'stream' as const, stream: Readable.from(chunks), delimiter };
  const result = await produce(io, { connection: connection(), topic, source, acks: -1, report: 'each', json: true, ...rest });
  return { result, reports: over.json === false ? [] : io.stdoutLines().map((l) => JSON.parse(l)), io };
}

/** Reads topics as JSON lines, by default from the beginning to the end in a throwaway group. */
export async function read(topics: string[], over: Partial<ConsumeOptions> = {}, io: CapturedIo = memoryIo()) {
  const result = await consume(io, { connection: connection(), topics, fromBeginning: true, exitAtEnd: true, output: { kind: 'json' }, ...over });
  const records = over.output && over.output.kind !== 'json' ? [] : io.stdoutLines().map((l) => JSON.parse(l));
  return { result, records, io, stderr: io.stderrText() };
}
