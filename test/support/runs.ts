// Plain text lines as kproduce's splitter gives them: packed runs (lib/kafka/packed.ts) and the same records as Buffers.
import { Readable } from 'node:stream';
import type { RecordRun } from '../../lib/kafka/packed.js';
import { splitRecordBatches, splitRecordRuns } from '../../lib/produce/input.js';

/** Runs over a few chunks of text lines, as splitRecordRuns gives them, and the same records as Buffers. */
export async function runsOf(text: string, chunk: number): Promise<{ runs: RecordRun[]; values: Buffer[] }> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const runs: RecordRun[] = [];
  for await (const r of splitRecordRuns(Readable.from(chunks), Buffer.from('\n'))) runs.push(...r);
  const values: Buffer[] = [];
  for await (const b of splitRecordBatches(Readable.from(chunks), Buffer.from('\n'))) values.push(...b);
  return { runs, values };
}

export const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(i % 300)}${i % 5 === 0 ? '\r' : ''}`).join('\n') + '\n';

