// Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then the payload; Protobuf payloads start with
// the message indexes (https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format).
// No library does only this: the serde libraries below encode payloads, not frames.

export const MAGIC_BYTE = 0;
const HEADER = 5;

/** True when the bytes could be a Confluent frame (a registry then tells whether the id exists). */
export function isFramed(b: Buffer | null): b is Buffer {
  return b !== null && b.length >= HEADER && b[0] === MAGIC_BYTE;
}

export function frame(id: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = MAGIC_BYTE;
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, payload]);
}

export function unframe(b: Buffer): { id: number; payload: Buffer } {
  if (!isFramed(b)) throw new Error('not a Confluent-framed value (magic byte 0 and a 4-byte schema id)');
  return { id: b.readUInt32BE(1), payload: b.subarray(HEADER) };
}

/** Zig-zag varint, as Confluent's MessageIndexes writes them (ByteUtils.writeVarint). */
function writeVarint(n: number, out: number[]): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

function readVarint(b: Buffer, at: number): { value: number; next: number } {
  let v = 0;
  let shift = 0;
  for (let i = at; i < b.length && shift <= 28; i++) {
    const byte = b[i]!;
    v |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (v >>> 1) ^ -(v & 1), next: i + 1 };
    shift += 7;
  }
  throw new Error('truncated message indexes');
}

/** The path to a message type in a .proto file, e.g. [0] for its first message, [1, 0] for the first nested in the second. [0] is written as a single 0. */
export function writeMessageIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeVarint(indexes.length, out);
  for (const i of indexes) writeVarint(i, out);
  return Buffer.from(out);
}

export function readMessageIndexes(b: Buffer): { indexes: number[]; payload: Buffer } {
  const count = readVarint(b, 0);
  if (count.value === 0) return { indexes: [0], payload: b.subarray(count.next) };
  if (count.value < 0 || count.value > 100) throw new Error(`implausible message index count ${count.value}`);
  const indexes: number[] = [];
  let at = count.next;
  for (let i = 0; i < count.value; i++) {
    const r = readVarint(b, at);
    indexes.push(r.value);
    at = r.next;
  }
  return { indexes, payload: b.subarray(at) };
}
