// Test helpers: the broker address from global setup, a fresh topic per test, an in-memory Io, polling with a deadline.
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createTopic, type ConnectionOptions } from '../../lib/kafka/index.js';
import type { Io } from '../../lib/io.js';

export function connection(brokers = process.env.KAFKA_BROKERS): ConnectionOptions {
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through vitest, whose global setup starts a broker');
  return { brokers: brokers.split(','), timeoutMs: 15_000 };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Creates a topic of its own for one test. */
export async function freshTopic(prefix = 'test', partitions = 1, conn = connection(), replicationFactor = 1, configs: Record<string, string> = {}): Promise<string> {
  const topic = uniqueName(prefix);
  await createTopic(conn, topic, partitions, replicationFactor, configs);
  return topic;
}

export interface CapturedIo extends Io {
  stdoutText(): string;
  stderrText(): string;
  stdoutLines(): string[];
}

/** An Io whose stdout and stderr are captured; stdin is given text (ended) or left open. */
export function memoryIo(stdin?: string, env: NodeJS.ProcessEnv = {}): CapturedIo {
  const input = new PassThrough();
  if (stdin !== undefined) input.end(stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (b: Buffer) => (o += b.toString()));
  stderr.on('data', (b: Buffer) => (e += b.toString()));
  return {
    stdin: input,
    stdout,
    stderr,
    env,
    stdoutText: () => o,
    stderrText: () => e,
    stdoutLines: () => o.split('\n').filter(Boolean),
  };
}

/** Polls until check returns a value other than undefined, or fails at the deadline. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
