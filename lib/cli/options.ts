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

/** A JVM heap size such as 512m or 1g; at least 128m, the heap floor kstack starts the JVM with. */
export function parseHeap(value: string): string {
  const m = /^(\d+)([mMgG])$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected a size like 384m or 1g, got "${value}".`);
  const mib = Number(m[1]) * (m[2]!.toLowerCase() === 'g' ? 1024 : 1);
  if (mib < 128) throw new InvalidArgumentError(`expected at least 128m (a broker needs it), got "${value}".`);
  return value.toLowerCase();
}

/** A comma-separated list of host:port. */
export function parseBrokerList(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const portOk = (b: string) => {
    const port = Number(b.slice(b.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65_535;
  };
  const bad = list.find((b) => !(/^[^\s:]+:\d{1,5}$/.test(b) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)) || !portOk(b));
  if (list.length === 0 || bad !== undefined) {
    throw new InvalidArgumentError(`expected host:port[,host:port...], got "${bad ?? value}".`);
  }
  return list;
}
