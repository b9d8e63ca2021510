// Option parsers shared by every command: each throws commander's InvalidArgumentError, so bad values exit 2.
import { InvalidArgumentError } from 'commander';

export function intInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** Milliseconds, 1 ms to 1 hour. */
export const parseTimeoutMs = intInRange(1, 3_600_000);

export const parsePort = intInRange(1, 65_535);

/** A JVM heap size such as 512m or 1g. */
export function parseHeap(value: string): string {
  if (!/^\d+[mMgG]$/.test(value)) throw new InvalidArgumentError(`expected a size like 384m or 1g, got "${value}".`);
  return value.toLowerCase();
}

/** A comma-separated list of host:port. */
export function parseBrokerList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
  if (list.length === 0 || bad !== undefined) {
    throw new InvalidArgumentError(`expected host:port[,host:port...], got "${bad ?? value}".`);
  }
  return list;
}
