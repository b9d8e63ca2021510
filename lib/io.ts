// The process's streams and environment as one object, so commands run in-process in tests.
import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Writes one line of data to stdout. */
export function out(io: Io, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** Writes one line of diagnostics to stderr. */
export function err(io: Io, line: string): void {
  io.stderr.write(`${line}\n`);
}
