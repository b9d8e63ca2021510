// One fetched record decoded into the object kafkajs's consumer expects, without its per-record cost: kafkajs 2.2.4
// builds 64-bit Long objects for every offset and timestamp and re-spreads the headers object for every header.
// See lib/kafka/patches.ts; test/unit/kafka/patches.test.ts checks it against kafkajs's own decoder.

/** What kafkajs's RecordBatch decoder passes for each record of a batch (strings are decimal int64). */
export interface BatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  maxTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
}

const LOG_APPEND_TIME = 1;

let pos = 0;

/** A zig-zag varint (or varlong within ±2^53) at pos, which it advances. */
function varint(b: Buffer): number {
  let u = 0;
  let scale = 1;
  let byte: number;
  do {
    byte = b[pos++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function bytes(b: Buffer): Buffer | null {
  const n = varint(b);
  if (n === -1) return null;
  const out = b.subarray(pos, pos + n);
  pos += n;
  return out;
}

/** base + delta as a decimal string; Number arithmetic while exact, BigInt beyond 2^53. */
function plus(base: string, baseNumber: number, delta: number): string {
  return Number.isSafeInteger(baseNumber) && Number.isSafeInteger(baseNumber + delta) ? String(baseNumber + delta) : (BigInt(base) + BigInt(delta)).toString();
}

let lastContext: BatchContext | undefined;
let baseOffset = 0;
let baseTime = 0;

type HeaderValue = Buffer | null | Array<Buffer | null>;
const NO_HEADERS: Record<string, HeaderValue> = Object.freeze({}) as Record<string, HeaderValue>;

export function decodeRecord(decoder: { buffer: Buffer; offset: number }, ctx: BatchContext = {}): Record<string, unknown> {
  if (ctx !== lastContext) {
    lastContext = ctx;
    baseOffset = Number(ctx.firstOffset);
    baseTime = Number(ctx.firstTimestamp);
  }
  const b = decoder.buffer;
  pos = decoder.offset;
  const attributes = b.readInt8(pos++);
  const timestampDelta = varint(b);
  const timestamp = ctx.timestampType === LOG_APPEND_TIME && ctx.maxTimestamp ? ctx.maxTimestamp : plus(String(ctx.firstTimestamp), baseTime, timestampDelta);
  const offset = plus(String(ctx.firstOffset), baseOffset, varint(b));
  const key = bytes(b);
  const value = bytes(b);
  const count = varint(b);
  // Records without headers (most) share one empty object: kafkajs and kconsume only read it.
  const headers: Record<string, HeaderValue> = count === 0 ? NO_HEADERS : {};
  for (let i = 0; i < count; i++) {
    const k = bytes(b);
    const name = String(k === null ? null : k.toString('utf8'));
    const v = bytes(b);
    const had = headers[name];
    const next: HeaderValue = !Object.hasOwn(headers, name) || had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    // A header named "__proto__" becomes an own property, as kafkajs's object literal makes it.
    if (name === '__proto__') Object.defineProperty(headers, name, { value: next, enumerable: true, writable: true, configurable: true });
    else headers[name] = next;
  }
  decoder.offset = pos;
  return { magicByte: ctx.magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: ctx.isControlBatch ?? false, batchContext: ctx };
}
