// Bytes in, records out: message arguments, or lines from a stream (stdin, a file).
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Yields each line of a stream without its line ending; a final line without a newline counts too. */
export async function* readLines(stream: Readable): AsyncGenerator<string> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}
