// Helpers for the failure tests: kcat and admin calls against a private cluster, stream readers with timestamps, numbers to quote.
import { spawnSync } from 'node:child_process';
import { topicPartitions, type ConnectionOptions } from '../../lib/kafka/index.js';
import type { PrivateStack } from './stack.js';

export function clusterConnection(stack: PrivateStack): ConnectionOptions {
  return { brokers: stack.state.bootstrap.split(','), timeoutMs: 20_000 };
}

/** kcat against the given cluster (any live broker of the list answers). */
export function kcatAt(brokers: string, args: string[], input?: string | Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('kcat', ['-b', brokers, ...args], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw new Error(`kcat could not run (${r.error.message}); install it: apt-get install kcat`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every record of a topic as [partition, offset, key, value], read by kcat from the beginning to the end. */
export function readAll(brokers: string, topic: string): Array<{ partition: number; offset: number; key: string; value: string }> {
  const r = kcatAt(brokers, ['-C', '-t', topic, '-e', '-q', '-f', '%p %o %k %s\\n']);
  if (r.code !== 0) throw new Error(`kcat failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [p, o, k, v] = l.split(' ');
      return { partition: Number(p), offset: Number(o), key: k as string, value: v as string };
    });
}

/** Partition -> leader node id. */
export async function leaders(conn: ConnectionOptions, topic: string): Promise<Map<number, number>> {
  return new Map((await topicPartitions(conn, topic)).map((p) => [p.partition, p.leader]));
}

/** Lines of a growing text stream, each with the time it arrived (ms since the epoch). */
export class TimedLines {
  readonly lines: string[] = [];
  readonly at: number[] = [];
  private carry = '';
  push(chunk: Buffer | string): void {
    const text = this.carry + chunk.toString();
    const parts = text.split('\n');
    this.carry = parts.pop() ?? '';
    const now = Date.now();
    for (const l of parts) {
      if (l === '') continue;
      this.lines.push(l);
      this.at.push(now);
    }
  }
}

/** Prints the numbers a test measured on stderr, one JSON line the lead can quote. */
export function record(name: string, numbers: Record<string, unknown>): void {
  process.stderr.write(`[failure-numbers] ${name} ${JSON.stringify(numbers)}\n`);
}
