// kproduce's delivery reports and end-of-run summary: pretty lines for people, JSON lines for programs. Pure.
import type { ChalkInstance } from 'chalk';
import type { Delivery } from '../kafka/index.js';

export interface Report extends Delivery {
  key: string | null;
  latencyMs: number;
  /** With an error: the record's place in the input, from 1 (its line number when records are lines). */
  record?: number;
  error?: string;
}

/** `✔ teste[0]@5 key=transferencia 3 ms`, or `✖ teste[0] key=k: <error>` (kproduce's errors name the record: `line 2, 2.1 MB: ...`). */
export function reportPretty(r: Report, c: ChalkInstance): string {
  if (r.error) return `${c.red('✖')} ${r.topic}${r.partition >= 0 ? `[${r.partition}]` : ''}${r.key === null ? '' : ` key=${r.key}`}: ${r.error}`;
  const where = `${r.topic}[${r.partition}]@${r.offset ?? '?'}`;
  return `${c.green('✔')} ${c.cyan(where)}${r.key === null ? '' : ` ${c.dim('key=')}${r.key}`} ${c.dim(`${r.latencyMs} ms`)}`;
}

/** Delivery report JSON line: {topic, partition, offset, key, latencyMs} or with error. */
export function reportJson(r: Report): string {
  return JSON.stringify({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset === null ? null : Number(r.offset),
    key: r.key,
    latencyMs: r.latencyMs,
    ...(r.record !== undefined ? { record: r.record } : {}),
    ...(r.error ? { error: r.error } : {}),
  });
}

export interface Summary {
  acknowledged: number;
  failed: number;
  bytes: number;
  elapsedMs: number;
  interrupted: boolean;
}

const rate = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : n);

/** `kproduce: 1000 messages (12.3 kB) acknowledged in 250 ms, 4000 msg/s` (+ failures, interruption). */
export function summaryPretty(s: Summary): string {
  const failed = s.failed > 0 ? `, ${s.failed} not acknowledged` : '';
  return `kproduce: ${s.acknowledged} messages (${humanBytes(s.bytes)}) acknowledged in ${s.elapsedMs} ms, ${rate(s.acknowledged, s.elapsedMs)} msg/s${failed}${s.interrupted ? ', interrupted' : ''}`;
}

export function summaryJson(s: Summary): string {
  return JSON.stringify({ ...s, msgPerSec: rate(s.acknowledged, s.elapsedMs) });
}

export function humanBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
