// Records to text: pretty lines for people, JSON lines for programs, kcat-style templates. Pure.
import { isUtf8 } from 'node:buffer';
import type { ChalkInstance } from 'chalk';
import type { Delivery, InRecord } from '../kafka/index.js';

/** A key or value decoded with its registry schema (lib/schemas), and which schema that was. */
export interface DecodedField {
  value: unknown;
  schema: { id: number; type: string; subject?: string; version?: number };
}
export interface DecodedRecord {
  key?: DecodedField;
  value?: DecodedField;
}

/** A value as UTF-8 text when it is valid UTF-8, else base64 (so JSON never mangles binary). */
export function encodeBytes(b: Buffer | null): { text: string | null; encoding?: 'base64' } {
  if (b === null) return { text: null };
  return isUtf8(b) ? { text: b.toString('utf8') } : { text: b.toString('base64'), encoding: 'base64' };
}

/**
 * Headers as a JSON object: name -> string (or null); a repeated name -> array, in order.
 * If any value is not UTF-8, every value is base64 and `encoding` is set (the record gets headersEncoding).
 */
export function headersJson(headers: Array<[string, Buffer | null]>): { headers: Record<string, string | null | Array<string | null>>; encoding?: 'base64' } {
  const binary = headers.some(([, v]) => v !== null && !isUtf8(v));
  const text = (v: Buffer | null) => (v === null ? null : v.toString(binary ? 'base64' : 'utf8'));
  // No prototype: a header named "__proto__" is kept like any other.
  const result: Record<string, string | null | Array<string | null>> = Object.create(null);
  for (const [name, v] of headers) {
    const prev = result[name];
    if (prev === undefined) result[name] = text(v);
    else result[name] = Array.isArray(prev) ? [...prev, text(v)] : [prev, text(v)];
  }
  return binary ? { headers: result, encoding: 'base64' } : { headers: result };
}

/**
 * The JSON line shape of a consumed record (README "Output formats"); kproduce --json-input reads it back:
 * {topic, partition, offset, timestamp, key, value, headers} plus keyEncoding/valueEncoding/headersEncoding "base64" for binary.
 */
export function recordJson(r: InRecord, decoded?: DecodedRecord): string {
  const key = decoded?.key ? undefined : encodeBytes(r.key);
  const value = decoded?.value ? undefined : encodeBytes(r.value);
  const h = headersJson(r.headers);
  // A schema-decoded key or value is the decoded JSON, with keySchema/valueSchema saying which schema (docs/schemas.md).
  return JSON.stringify({
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    ...(decoded?.key ? { key: decoded.key.value, keySchema: decoded.key.schema } : { key: key!.text, ...(key!.encoding ? { keyEncoding: key!.encoding } : {}) }),
    ...(decoded?.value ? { value: decoded.value.value, valueSchema: decoded.value.schema } : { value: value!.text, ...(value!.encoding ? { valueEncoding: value!.encoding } : {}) }),
    headers: h.headers,
    ...(h.encoding ? { headersEncoding: h.encoding } : {}),
  });
}

/** `avro 3 orders-value v1`: which schema decoded a field, for human lines. */
const schemaTag = (d: DecodedField) => `${d.schema.type.toLowerCase()} id ${d.schema.id}${d.schema.subject ? ` ${d.schema.subject}${d.schema.version === undefined ? '' : ` v${d.schema.version}`}` : ''}`;

// A tab too: shown raw, it looks like spaces, and one in a key reads as the end of the key.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text for a human line: UTF-8 with control characters escaped (one record, one line), or base64 for binary. */
function humanText(b: Buffer, c: ChalkInstance): string {
  if (!isUtf8(b)) return c.dim('base64:') + b.toString('base64');
  return b.toString('utf8').replace(CONTROL, (ch) => ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `teste[0]@5 key=k value`; verbose adds the timestamp and headers: `teste[0]@5 2026-11-23T10:00:00.000Z key=k h=v value`. */
export function recordPretty(r: InRecord, c: ChalkInstance, verbose = false, decoded?: DecodedRecord): string {
  const parts = [c.cyan(`${r.topic}[${r.partition}]@${r.offset}`)];
  if (verbose) parts.push(c.dim(new Date(Number(r.timestamp)).toISOString()));
  if (decoded?.key) parts.push(`${c.dim('key=')}${c.yellow(JSON.stringify(decoded.key.value))}`);
  else if (r.key !== null) parts.push(`${c.dim('key=')}${c.yellow(humanText(r.key, c))}`);
  if (verbose) for (const [name, v] of r.headers) parts.push(c.magenta(`${name}=${v === null ? '(null)' : humanText(v, c)}`));
  parts.push(decoded?.value ? JSON.stringify(decoded.value.value) : r.value === null ? c.dim('(null)') : humanText(r.value, c));
  const tags = [decoded?.key && `key: ${schemaTag(decoded.key)}`, decoded?.value && schemaTag(decoded.value)].filter(Boolean);
  if (tags.length) parts.push(c.dim(`(${tags.join('; ')})`));
  return parts.join(' ');
}

export const NEWLINE = Buffer.from('\n');

/** The value's bytes exactly, then a newline (kcat's default output). A null value is an empty line. */
export function recordRaw(r: InRecord): Buffer {
  return r.value === null ? NEWLINE : Buffer.concat([r.value, NEWLINE]);
}

type Piece = string | ((r: InRecord) => Buffer | string);

const TOKENS: Record<string, (r: InRecord) => Buffer | string> = {
  t: (r) => r.topic,
  p: (r) => String(r.partition),
  o: (r) => r.offset,
  k: (r) => r.key ?? '',
  K: (r) => String(r.key?.length ?? -1),
  s: (r) => r.value ?? '',
  S: (r) => String(r.value?.length ?? -1),
  T: (r) => r.timestamp,
  h: (r) => r.headers.map(([n, v]) => `${n}=${v === null ? '' : v.toString('utf8')}`).join(','),
};
const BACKSLASH: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '0': '\0' };

export const FORMAT_TOKENS = '%t topic, %p partition, %o offset, %k key, %K key length, %s value, %S value length, %T timestamp (ms), %h headers, %% a percent sign; \\n \\t \\r \\\\ \\0';

/**
 * Compiles a kcat -f style template into a function from a record to its bytes (no newline is added:
 * end the template with \n). Throws an Error naming the first unknown token.
 */
export function compileFormat(template: string): (r: InRecord) => Buffer {
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i += 1) {
    const ch = template[i]!;
    if (ch !== '%' && ch !== '\\') {
      literal += ch;
      continue;
    }
    const next = template[(i += 1)];
    if (next === undefined) throw new Error(`the template ends with a lone "${ch}"`);
    if (ch === '\\') {
      const text = BACKSLASH[next];
      if (text === undefined) throw new Error(`unknown escape "\\${next}"`);
      literal += text;
    } else if (next === '%') {
      literal += '%';
    } else {
      const token = TOKENS[next];
      if (token === undefined) throw new Error(`unknown token "%${next}"`);
      if (literal) pieces.push(literal);
      literal = '';
      pieces.push(token);
    }
  }
  if (literal) pieces.push(literal);
  const bytes = (p: Piece, r: InRecord) => {
    const v = typeof p === 'string' ? p : p(r);
    return typeof v === 'string' ? Buffer.from(v) : v;
  };
  return (r) => Buffer.concat(pieces.map((p) => bytes(p, r)));
}
