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

/** Repeatable flags: each occurrence appended to a list. */
export function collect<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

export type OffsetFlag = { from: 'beginning' | 'end' | 'stored' } | { from: 'offset'; offset: bigint } | { from: 'fromEnd'; count: bigint };

/** kconsume -o: beginning | end | stored | N (absolute) | -N (the last N of each partition). */
export function parseOffset(value: string): OffsetFlag {
  const v = value.trim().toLowerCase();
  if (v === 'beginning' || v === 'earliest') return { from: 'beginning' };
  if (v === 'end' || v === 'latest') return { from: 'end' };
  if (v === 'stored' || v === 'committed') return { from: 'stored' };
  if (/^\d{1,19}$/.test(v)) return { from: 'offset', offset: BigInt(v) };
  if (/^-\d{1,19}$/.test(v) && v !== '-0') return { from: 'fromEnd', count: BigInt(v.slice(1)) };
  throw new InvalidArgumentError(`expected beginning, end, stored, an offset N or -N (the last N), got "${value}".`);
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * kconsume --since: a duration back from now (90s, 15m, 1h, 7d, 2w) or a date/time (2026-11-01, 2026-11-01T09:30Z,
 * with an offset or Z; a date alone is midnight UTC). Returns epoch milliseconds.
 */
export function parseSince(value: string, now: () => number = Date.now): number {
  const v = value.trim();
  const ago = /^(\d+)\s*([smhdw])$/i.exec(v);
  if (ago) return now() - Number(ago[1]) * UNIT_MS[ago[2]!.toLowerCase()]!;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v)) {
    // A time without a zone would be read as local time by Date.parse; ISO says so too, and we say it in --help.
    const t = Date.parse(v.replace(' ', 'T'));
    if (!Number.isNaN(t)) return t;
  }
  throw new InvalidArgumentError(`expected a duration like 1h or 7d, or a date like 2026-11-01 or 2026-11-01T09:30Z, got "${value}".`);
}

/** --pattern: a JavaScript regular expression that must match a whole topic name. */
export function parsePattern(value: string): RegExp {
  try {
    return new RegExp(`^(?:${value})$`);
  } catch (e) {
    throw new InvalidArgumentError(`not a valid regular expression: ${(e as Error).message}.`);
  }
}

/** name=value split at the first "=" (the value may contain "=" and may be empty); undefined without a name. */
function splitNameValue(value: string): [string, string] | undefined {
  const at = value.indexOf('=');
  return at <= 0 ? undefined : [value.slice(0, at), value.slice(at + 1)];
}

/** -H name=value (the value may contain "="; it may be empty). */
export function parseHeader(value: string): [string, string] {
  const entry = splitNameValue(value);
  if (!entry) throw new InvalidArgumentError(`expected name=value, got "${value}".`);
  return entry;
}

/** ktopics --config name=value: a config name (letters, digits, dots, dashes, underscores) and a non-empty value. */
export function parseConfigEntry(value: string): [string, string] {
  const entry = splitNameValue(value);
  const name = entry?.[0].trim() ?? '';
  if (!entry || !/^[A-Za-z0-9._-]+$/.test(name) || entry[1] === '') throw new InvalidArgumentError(`expected name=value, e.g. retention.ms=86400000, got "${value}".`);
  return [name, entry[1]];
}

/** kgroups reset --to-offset N: an offset, 0 or more. */
export function parseOffsetNumber(value: string): bigint {
  if (!/^\d{1,19}$/.test(value.trim())) throw new InvalidArgumentError(`expected an offset (a whole number, 0 or more), got "${value}".`);
  return BigInt(value.trim());
}

/** kgroups reset --shift-by N: a whole number; negative moves the group back, positive forward. */
export function parseShift(value: string): bigint {
  if (!/^[+-]?\d{1,19}$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number such as -10 or 5, got "${value}".`);
  return BigInt(value.trim());
}

/** Kafka's rule for topic names (org.apache.kafka.common.internals.Topic): 1-249 of a-z A-Z 0-9 . _ - , not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
}
