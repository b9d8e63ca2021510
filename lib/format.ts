// Records and delivery reports to text: pretty lines for people, JSON lines for programs. Pure.
import type { ChalkInstance } from 'chalk';
import type { Delivery, InRecord } from './kafka.js';

/** A value as UTF-8 text when it is valid UTF-8, else base64 (so JSON never mangles binary). */
export function encodeBytes(b: Buffer | null): { text: string | null; encoding?: 'base64' } {
  if (b === null) return { text: null };
  const text = b.toString('utf8');
  return Buffer.from(text, 'utf8').equals(b) ? { text } : { text: b.toString('base64'), encoding: 'base64' };
}

/**
 * The JSON line shape of a consumed record (README "Output formats"):
 * {topic, partition, offset, timestamp, key, value, headers} plus keyEncoding/valueEncoding "base64" for binary.
 */
export function recordJson(r: InRecord): string {
  const key = encodeBytes(r.key);
  const value = encodeBytes(r.value);
  const headers: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = v === null ? null : v.toString('utf8');
  return JSON.stringify({
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: key.text,
    ...(key.encoding ? { keyEncoding: key.encoding } : {}),
    value: value.text,
    ...(value.encoding ? { valueEncoding: value.encoding } : {}),
    headers,
  });
}

/** `teste[0]@5 key=k value` (key only when set). */
export function recordPretty(r: InRecord, c: ChalkInstance): string {
  const where = c.cyan(`${r.topic}[${r.partition}]@${r.offset}`);
  const key = r.key === null ? '' : ` ${c.dim('key=')}${c.yellow(r.key.toString('utf8'))}`;
  return `${where}${key} ${r.value === null ? c.dim('(null)') : r.value.toString('utf8')}`;
}

export interface Report extends Delivery {
  key: string | null;
  latencyMs: number;
  error?: string;
}

/** `✔ teste[0]@5 key=transferencia 3 ms`, or `✖ teste: <error>`. */
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
    ...(r.error ? { error: r.error } : {}),
  });
}
