// Bytes in, records out: delimiter flags, a byte stream split into records, key separators, and --json-input lines.
import { InvalidArgumentError } from 'commander';
import type { Readable } from 'node:stream';
import { EXIT, KtoolError } from '../errors.js';
import type { RecordRun } from '../kafka/packed.js';

const MiB = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');

/** The longest record splitRecords accepts unless told otherwise. */
export const DEFAULT_MAX_RECORD_BYTES = 64 * MiB;

const ESCAPES: Readonly<Record<string, number>> = { n: LF, r: CR, t: 0x09, '0': 0x00, '\\': 0x5c };
const ESCAPE_LIST = '\\n \\r \\t \\0 \\\\ \\xHH';

/** Parses a delimiter flag value; kcat-style escapes: \n \r \t \0 \\ \xHH (case-insensitive hex). Other text is UTF-8. */
export function parseDelimiter(text: string): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '\\') {
      const next = text.indexOf('\\', i);
      const end = next === -1 ? text.length : next;
      parts.push(Buffer.from(text.slice(i, end), 'utf8'));
      i = end;
      continue;
    }
    const c = text[i + 1];
    if (c === undefined) throw new InvalidArgumentError(`"${text}" ends with a lone backslash; write \\\\ for a backslash (escapes: ${ESCAPE_LIST}).`);
    if (c === 'x') {
      const hex = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new InvalidArgumentError(`"\\x" needs two hex digits, got "\\x${hex}" in "${text}".`);
      parts.push(Buffer.from([parseInt(hex, 16)]));
      i += 4;
      continue;
    }
    const byte = ESCAPES[c];
    if (byte === undefined) throw new InvalidArgumentError(`unknown escape "\\${c}" in "${text}" (escapes: ${ESCAPE_LIST}).`);
    parts.push(Buffer.from([byte]));
    i += 2;
  }
  const delimiter = Buffer.concat(parts);
  if (delimiter.length === 0) throw new InvalidArgumentError(`expected a delimiter such as "\\n", ";" or "\\x1e", got an empty string.`);
  return delimiter;
}

/** The delimiter as it would be typed to parseDelimiter, for messages. */
function showDelimiter(delimiter: Buffer): string {
  const names: Record<number, string> = { [LF]: '\\n', [CR]: '\\r', 0x09: '\\t', 0x00: '\\0', 0x5c: '\\\\' };
  return [...delimiter].map((b) => names[b] ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
}

function showSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8'); // a stream with setEncoding()
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`splitRecords: expected a byte stream, got a chunk of type ${typeof chunk}`);
}

/** The last `n` bytes held in `parts` (n ≤ their total), touching only the parts it needs. */
function lastBytes(parts: Buffer[], n: number): Buffer {
  const last = parts[parts.length - 1]!;
  if (last.length >= n) return last.subarray(last.length - n);
  const tail: Buffer[] = [];
  let have = 0;
  for (let i = parts.length - 1; have < n; i--) {
    const part = parts[i]!;
    tail.unshift(part);
    have += part.length;
  }
  const joined = Buffer.concat(tail, have);
  return joined.subarray(have - n);
}

/**
 * Splits a byte stream into records at `delimiter` (non-empty; may be multi-byte and split across chunks).
 * A final record without a trailing delimiter counts; a trailing delimiter adds no empty record; empty records
 * between delimiters are yielded. With the delimiter "\n", a "\r" before it is dropped (CRLF files).
 * A partial record is held as a list of chunk slices and joined once, so memory stays bounded by the largest record;
 * one longer than maxRecordBytes (default 64 MiB) throws RECORD_TOO_LARGE as soon as it crosses the limit.
 * Yields the records each chunk completes as runs (never empty): the chunk itself with the bounds of the records in it,
 * after a run of the record it completed if one began in an earlier chunk (joined into a fresh buffer). No object is
 * made per record. On a too-large record, the records before it are yielded first, then it throws.
 * With `done`, a chunk's unfinished record is copied rather than kept as a slice, and done(chunk) is called once the
 * chunk's runs were taken (the consumer asked for the next ones): nothing here refers to the chunk any more (chunks.ts).
 */
export async function* splitRecordRuns(stream: Readable, delimiter: Buffer, options: { maxRecordBytes?: number; done?: (chunk: Buffer) => void } = {}): AsyncGenerator<RecordRun[]> {
  if (delimiter.length === 0) throw new TypeError('splitRecords: the delimiter must not be empty');
  const max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const d = delimiter.length;
  const stripCr = d === 1 && delimiter[0] === LF;
  // A partial record may hold this many bytes beyond the limit and still end within it: the start of a delimiter, or a CR.
  const slack = stripCr ? 1 : d - 1;
  // A one-byte delimiter searched as a number takes Buffer#indexOf's fast path (a Buffer needle costs more per call).
  const needle = d === 1 ? delimiter[0]! : delimiter;
  let parts: Buffer[] = []; // the record in progress; never contains a whole delimiter
  let pending = 0; // its length
  let count = 0; // records found
  let scratch: Uint32Array = new Uint32Array(4096); // the current chunk's record bounds, copied out once per chunk

  const tooLarge = () =>
    new KtoolError('RECORD_TOO_LARGE', `record ${count + 1} is larger than the ${showSize(max)} limit (records end at "${showDelimiter(delimiter)}")`, {
      exitCode: EXIT.usage,
      hint: 'if the input uses another delimiter, pass it with -D; otherwise split the input into smaller records',
    });
  /** The end of a record buf[start, end) followed by a delimiter (a CR before a "\n" dropped), checked against the limit. */
  const ending = (buf: Buffer, start: number, end: number, delimited: boolean): number => {
    if (stripCr && delimited && end > start && buf[end - 1] === CR) end -= 1;
    if (end - start > max) throw tooLarge();
    count++;
    return end;
  };
  /** The record in progress, ended by `piece`, as a run of its own. */
  const joined = (piece: Buffer, delimited: boolean): RecordRun => {
    parts.push(piece);
    const record = Buffer.concat(parts, pending + piece.length);
    parts = [];
    pending = 0;
    return { buf: record, bounds: Uint32Array.of(0, ending(record, 0, record.length, delimited)) };
  };

  for await (const raw of stream) {
    const chunk = toBuffer(raw);
    if (chunk.length === 0) continue;
    const done: RecordRun[] = [];
    let found = 0; // bounds in scratch
    try {
      let pos = 0;
      if (pending > 0 && d > 1) {
        // A delimiter may start in the last d-1 bytes held and end in this chunk.
        const k = Math.min(d - 1, pending);
        const bridge = Buffer.concat([lastBytes(parts, k), chunk.subarray(0, d - 1)]);
        const at = bridge.indexOf(delimiter);
        if (at !== -1 && at < k) {
          const record = Buffer.concat(parts, pending - k + at);
          parts = [];
          pending = 0;
          done.push({ buf: record, bounds: Uint32Array.of(0, ending(record, 0, record.length, true)) });
          pos = at + d - k;
        }
      }
      let at = chunk.indexOf(needle, pos);
      if (at !== -1 && pending > 0) {
        done.push(joined(chunk.subarray(pos, at), true));
        pos = at + d;
        at = chunk.indexOf(needle, pos);
      }
      for (; at !== -1; at = chunk.indexOf(needle, pos)) {
        if (found + 2 > scratch.length) scratch = grow(scratch, found);
        scratch[found] = pos;
        scratch[found + 1] = ending(chunk, pos, at, true);
        found += 2;
        pos = at + d;
      }
      if (pos < chunk.length) {
        const rest = pos === 0 ? chunk : chunk.subarray(pos);
        parts.push(options.done ? Buffer.from(rest) : rest);
        pending += chunk.length - pos;
        if (pending > max + slack) throw tooLarge();
      }
    } catch (e) {
      if (found > 0) done.push({ buf: chunk, bounds: scratch.slice(0, found) });
      if (done.length > 0) yield done;
      throw e;
    }
    if (found > 0) done.push({ buf: chunk, bounds: scratch.slice(0, found) });
    if (done.length > 0) yield done;
    options.done?.(chunk);
  }
  if (pending > 0) yield [joined(Buffer.alloc(0), false)];
}

function grow(bounds: Uint32Array, used: number): Uint32Array {
  const next = new Uint32Array(bounds.length * 2);
  next.set(bounds.subarray(0, used));
  return next;
}

/** splitRecordRuns with each record as a Buffer (a slice of its chunk, or a fresh copy; none is reused), one array per chunk. */
export async function* splitRecordBatches(stream: Readable, delimiter: Buffer, options: { maxRecordBytes?: number } = {}): AsyncGenerator<Buffer[]> {
  for await (const runs of splitRecordRuns(stream, delimiter, options)) {
    const records: Buffer[] = [];
    for (const { buf, bounds } of runs) for (let i = 0; i < bounds.length; i += 2) records.push(buf.subarray(bounds[i]!, bounds[i + 1]!));
    yield records;
  }
}

/** splitRecordBatches one record at a time. */
export async function* splitRecords(stream: Readable, delimiter: Buffer, options: { maxRecordBytes?: number } = {}): AsyncGenerator<Buffer> {
  for await (const batch of splitRecordBatches(stream, delimiter, options)) yield* batch;
}

/** Yields each line of a stream as UTF-8 text without its line ending ("\n" or "\r\n"); a final line without a newline counts too. */
export async function* readLines(stream: Readable): AsyncGenerator<string> {
  for await (const line of splitRecords(stream, NEWLINE)) yield line.toString('utf8');
}

/** Splits one record at the first `separator` (non-empty): key before, value after; without it, the key is null (kcat -K). */
export function splitKey(record: Buffer, separator: Buffer): { key: Buffer | null; value: Buffer } {
  const at = record.indexOf(separator);
  if (at === -1) return { key: null, value: record };
  return { key: record.subarray(0, at), value: record.subarray(at + separator.length) };
}

/** One record to produce. */
export interface InputRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** Ordered header list; a name may repeat. */
  headers?: Array<[string, Buffer | null]>;
  partition?: number;
  /** Milliseconds since the epoch, as a decimal string (kafkajs's convention). */
  timestamp?: string;
}

const JSON_HINT = 'one JSON object per line, as kconsume --json prints: {"key":..., "value":..., "headers":{...}}';
/** The fields kconsume --json prints; any other is refused (a typo such as "valu" would otherwise send a tombstone). */
const JSON_FIELDS = ['topic', 'partition', 'offset', 'timestamp', 'key', 'keyEncoding', 'keySchema', 'value', 'valueEncoding', 'valueSchema', 'headers', 'headersEncoding'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_PARTITION = 2_147_483_647; // Kafka partitions are int32
const MAX_TIMESTAMP = 9_223_372_036_854_775_807n; // Kafka timestamps are int64

type Encoding = 'utf8' | 'base64';

/** A JSON value named for a message: strings and numbers shown (shortened), other types by kind. */
function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number':
    case 'boolean':
      return String(v);
    default:
      return 'an object';
  }
}

/**
 * Parses one `--json-input` line (lineNumber is 1-based, for errors). Accepts exactly what `kconsume --json` prints:
 * { topic?, partition?, offset?, timestamp?, key?, keyEncoding?, value?, valueEncoding?, headers?, headersEncoding? }.
 * key/value/header values are strings (UTF-8, or base64 with the matching *Encoding "base64") or null; a value of
 * another JSON type is sent as its JSON text; a header may be an array for a repeated name. topic and offset are
 * ignored; any other field is refused. With jsonKeys (kproduce with a registry) a key may be any JSON value, like a value.
 */
export function parseJsonRecord(line: Buffer | string, lineNumber: number, options: { jsonKeys?: boolean } = {}): InputRecord {
  const bad = (what: string, cause?: unknown) =>
    new KtoolError('BAD_JSON_INPUT', `line ${lineNumber}: ${what}`, { exitCode: EXIT.failed, hint: JSON_HINT, cause });

  let text = typeof line === 'string' ? line : line.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark, as some editors write
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(`not valid JSON (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad(`expected a JSON object, got ${show(parsed)}`);
  const o = parsed as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !JSON_FIELDS.includes(k));
  if (unknown !== undefined) throw bad(`unknown field ${JSON.stringify(unknown)} (known: ${JSON_FIELDS.join(', ')})`);

  const encoding = (field: string): Encoding => {
    const e = o[field];
    if (e === undefined || e === null || e === 'utf8') return 'utf8';
    if (e === 'base64') return 'base64';
    throw bad(`"${field}" must be "utf8" or "base64", got ${show(e)}`);
  };
  const bytes = (s: string, enc: Encoding, name: string, encodingField: string): Buffer => {
    if (enc === 'utf8') return Buffer.from(s, 'utf8');
    if (s.length % 4 !== 0 || !BASE64.test(s)) throw bad(`${name} is not valid base64 (${encodingField} is "base64"), got ${show(s)}`);
    return Buffer.from(s, 'base64');
  };

  const record: InputRecord = { key: null, value: null };

  const keyEncoding = encoding('keyEncoding');
  const key = o['key'];
  if (typeof key === 'string') record.key = bytes(key, keyEncoding, '"key"', 'keyEncoding');
  // With --key-schema, a key is any JSON value (kconsume --json prints decoded keys so); its encoder reads it from the line.
  else if (key !== undefined && key !== null && options.jsonKeys) record.key = Buffer.from(JSON.stringify(key), 'utf8');
  else if (key !== undefined && key !== null) throw bad(`"key" must be a string or null, got ${show(key)}`);

  const valueEncoding = encoding('valueEncoding');
  const value = o['value'];
  if (typeof value === 'string') record.value = bytes(value, valueEncoding, '"value"', 'valueEncoding');
  else if (value !== undefined && value !== null) {
    if (valueEncoding === 'base64') throw bad(`"value" must be a base64 string when valueEncoding is "base64", got ${show(value)}`);
    record.value = Buffer.from(JSON.stringify(value), 'utf8');
  }

  const headersEncoding = encoding('headersEncoding');
  const headers = o['headers'];
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) throw bad(`"headers" must be an object of name: value, got ${show(headers)}`);
    const list: Array<[string, Buffer | null]> = [];
    const one = (name: string, v: unknown, where: string): [string, Buffer | null] => {
      if (v === null) return [name, null];
      if (typeof v === 'string') return [name, bytes(v, headersEncoding, where, 'headersEncoding')];
      throw bad(`${where} must be a string or null, got ${show(v)}`);
    };
    for (const [name, v] of Object.entries(headers as Record<string, unknown>)) {
      const where = `headers[${JSON.stringify(name)}]`;
      if (!Array.isArray(v)) {
        if (typeof v === 'object' && v !== null) throw bad(`${where} must be a string, null or an array of them, got ${show(v)}`);
        list.push(one(name, v, where));
      } else v.forEach((item: unknown, i) => list.push(one(name, item, `${where}[${i}]`)));
    }
    if (list.length > 0) record.headers = list;
  }

  const partition = o['partition'];
  if (partition !== undefined && partition !== null) {
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition > MAX_PARTITION) {
      throw bad(`"partition" must be a whole number from 0 to ${MAX_PARTITION}, got ${show(partition)}`);
    }
    record.partition = partition;
  }

  const timestamp = o['timestamp'];
  if (timestamp !== undefined && timestamp !== null) {
    const ok =
      (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0) ||
      (typeof timestamp === 'string' && /^\d{1,19}$/.test(timestamp) && BigInt(timestamp) <= MAX_TIMESTAMP);
    if (!ok) throw bad(`"timestamp" must be epoch milliseconds (a whole number ≥ 0, or one as a decimal string), got ${show(timestamp)}`);
    record.timestamp = typeof timestamp === 'number' ? String(timestamp) : BigInt(timestamp).toString();
  }

  return record;
}
