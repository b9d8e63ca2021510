// Kafka's Produce request (v3-v7 share one body) encoded in a single buffer: the same bytes kafkajs writes, minus its
// per-record cost. kafkajs 2.2.4 builds a zero-filled 512-byte Encoder and a spread copy of every record, which made
// it spend ~10 µs per record; this writes each record straight into one growing buffer. See lib/kafka/patches.ts.
import { crc32c } from './crc32c.js';
import { PartitionRecords, runLength, zigzagSize } from './packed.js';

/** A message as kafkajs hands it to the request encoder. */
export interface WireMessage {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
  timestamp?: string | number | null;
}

export interface ProduceRequestData {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  /** kafkajs passes a Long; anything whose toString() is the decimal id works. */
  producerId?: { toString(): string } | null;
  producerEpoch?: number;
  compression?: number;
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence?: number; messages: WireMessage[] | PartitionRecords }> }>;
}

/** Compresses a record set; kafkajs's codec table supplies these (see lib/kafka/codecs.ts). */
export type CompressRecords = (codec: number, records: Buffer) => Promise<Buffer>;

const MAGIC = 2;
const TRANSACTIONAL = 0x10;
const CODEC_MASK = 0x07;
/** Bytes from a batch's base offset up to its first record. */
const BATCH_HEADER = 61;
/** Where the CRC-covered part of a batch begins: after baseOffset, length, leader epoch, magic and the CRC itself. */
const CRC_FROM = 21;

/**
 * Buffers of requests the broker has answered, to encode the next ones in: a bulk send made and dropped a 1 MiB
 * buffer for every request, and that external memory kept V8's full collector running (a third of kproduce's CPU with
 * 1 KiB records). Given back by send-messages.ts once the answer is in (the bytes were written by then).
 */
const spares: Buffer[] = [];
const MAX_SPARES = 6;
/** The buffer each request's topicData was encoded in, until given back. */
const encodedIn = new WeakMap<object, Buffer>();

function spareBuffer(size: number): Buffer | undefined {
  const i = spares.findIndex((b) => b.length >= size);
  return i === -1 ? undefined : spares.splice(i, 1)[0];
}

/** The broker answered the request built from this topicData: its buffer may hold the next request. */
export function recycleRequest(topicData: object): void {
  const buf = encodedIn.get(topicData);
  if (!buf) return;
  encodedIn.delete(topicData);
  if (spares.length < MAX_SPARES) spares.push(buf);
}

/** A buffer that grows by doubling; every write is big-endian or Kafka's zig-zag varint. */
class Writer {
  buf: Buffer;
  at = 0;
  constructor(size: number) {
    this.buf = spareBuffer(size) ?? Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  int16(v: number): void {
    this.ensure(2);
    this.at = this.buf.writeInt16BE(v, this.at);
  }
  int32(v: number): void {
    this.ensure(4);
    this.at = this.buf.writeInt32BE(v, this.at);
  }
  string(s: string | null): void {
    if (s === null) return this.int16(-1);
    const n = Buffer.byteLength(s);
    this.int16(n);
    this.ensure(n);
    this.at += this.buf.write(s, this.at);
  }
  /** An unsigned varint of a non-negative number below 2^53. */
  uvarint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.at++] = v;
  }
  /** A zig-zag varint (Kafka's varint and varlong share it for values within ±2^52). */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  /** Length-prefixed bytes; null is length -1. */
  bytes(b: Buffer | null, text: string | null): void {
    if (b !== null) {
      this.varint(b.length);
      this.ensure(b.length);
      this.at += b.copy(this.buf, this.at);
    } else if (text !== null) {
      const n = Buffer.byteLength(text);
      this.varint(n);
      this.ensure(n);
      this.at += this.buf.write(text, this.at);
    } else {
      this.varint(-1);
    }
  }
  take(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** kafkajs's rule for keys, values and header values: Buffers as they are, null/undefined as null, anything else as String(x). */
const asBuffer = (x: unknown): Buffer | null => (Buffer.isBuffer(x) ? x : null);
const asText = (x: unknown): string | null => (x == null || Buffer.isBuffer(x) ? null : String(x));
const fieldSize = (b: Buffer | null, t: string | null): number => {
  const n = b !== null ? b.length : t !== null ? Buffer.byteLength(t) : -1;
  return n < 0 ? 1 : zigzagSize(n) + n;
};

const NO_HEADERS: Array<[string, Buffer | string]> = [];

/** One record: length, attributes, timestamp and offset deltas, key, value, headers. */
function writeRecord(w: Writer, m: WireMessage, offsetDelta: number, timestampDelta: number): void {
  const kb = asBuffer(m.key);
  const kt = kb === null ? asText(m.key) : null;
  const vb = asBuffer(m.value);
  const vt = vb === null ? asText(m.value) : null;
  // No list for records without headers (the bulk case): one allocation fewer per record.
  const headers: Array<[string, Buffer | string]> = m.headers ? [] : NO_HEADERS;
  if (m.headers) {
    for (const name of Object.keys(m.headers)) {
      const v = m.headers[name];
      if (Array.isArray(v)) for (const one of v) headers.push([name, one]);
      else headers.push([name, v as Buffer | string]);
    }
  }
  let size = 1 + zigzagSize(timestampDelta) + zigzagSize(offsetDelta) + fieldSize(kb, kt) + fieldSize(vb, vt) + zigzagSize(headers.length);
  for (const [name, v] of headers) size += fieldSize(null, name) + fieldSize(asBuffer(v), asText(v));
  w.varint(size);
  w.ensure(1);
  w.buf[w.at++] = 0; // attributes: unused in v2 records
  w.varint(timestampDelta);
  w.varint(offsetDelta);
  w.bytes(kb, kt);
  w.bytes(vb, vt);
  w.varint(headers.length);
  for (const [name, v] of headers) {
    w.bytes(null, name);
    w.bytes(asBuffer(v), asText(v));
  }
}

/**
 * A partition's packed records (lib/kafka/packed.ts), as writeRecord writes { key, value } records without headers or
 * timestamps: the value copied from the input chunk it was read in.
 */
function writePacked(w: Writer, records: PartitionRecords): void {
  const { source, partitions, partition } = records;
  const kb = asBuffer(source.key);
  const kt = kb === null ? asText(source.key) : null;
  const keySize = fieldSize(kb, kt);
  let i = 0; // position in the send
  let delta = 0; // offset delta: position in this partition's batch
  for (const run of source.runs) {
    const { buf, bounds } = run;
    const n = runLength(run);
    for (let j = 0; j < n; j++, i++) {
      if (partitions !== null && partitions[i] !== partition) continue;
      const start = bounds[2 * j]!;
      const length = bounds[2 * j + 1]! - start;
      // length: attributes, timestamp delta (0), offset delta, key, value, header count (0)
      w.varint(1 + 1 + zigzagSize(delta) + keySize + zigzagSize(length) + length + 1);
      w.ensure(2);
      w.buf[w.at++] = 0; // attributes
      w.buf[w.at++] = 0; // timestamp delta: no record has its own timestamp
      w.varint(delta++);
      w.bytes(kb, kt);
      w.varint(length);
      w.ensure(length + 1);
      w.at += buf.copy(w.buf, w.at, start, start + length);
      w.buf[w.at++] = 0; // no headers
    }
  }
}

/** One RecordBatch (magic 2) for one partition, appended to w. */
async function writeBatch(
  w: Writer,
  messages: WireMessage[] | PartitionRecords,
  o: { codec: number; transactional: boolean; producerId: bigint; producerEpoch: number; firstSequence: number; now: number; compress: CompressRecords },
): Promise<void> {
  // kafkajs stamps records without a timestamp with one clock reading per batch; so do we. Without any timestamp in
  // the batch (the bulk case) every delta is 0 and no per-record list is made.
  // Packed records (kproduce's plain lines) never carry a timestamp of their own.
  const packed = messages instanceof PartitionRecords ? messages : undefined;
  const list = packed ? undefined : (messages as WireMessage[]);
  const stamped = list?.some((m) => m.timestamp != null && m.timestamp !== '') ?? false;
  const times = stamped ? list!.map((m) => (m.timestamp == null || m.timestamp === '' ? o.now : Number(m.timestamp))) : undefined;
  let first = times?.[0] ?? o.now;
  let max = first;
  for (const t of times ?? []) {
    if (t < first) first = t;
    if (t > max) max = t;
  }
  const delta = (i: number) => (times ? times[i]! - first : 0);
  const start = w.at;
  w.ensure(BATCH_HEADER);
  w.at += BATCH_HEADER;
  const records = (into: Writer) => {
    if (packed) writePacked(into, packed);
    else for (let i = 0; i < list!.length; i++) writeRecord(into, list![i]!, i, delta(i));
  };
  if (o.codec === 0) {
    records(w);
  } else {
    const plain = new Writer(64 * 1024);
    records(plain);
    const packed = await o.compress(o.codec, plain.take());
    w.ensure(packed.length);
    w.at += packed.copy(w.buf, w.at);
  }
  const b = w.buf;
  let p = start;
  p = b.writeBigInt64BE(0n, p); // base offset: the broker assigns it
  p = b.writeInt32BE(w.at - start - 12, p); // batch length: everything after this field
  p = b.writeInt32BE(0, p); // partition leader epoch
  p = b.writeInt8(MAGIC, p);
  p += 4; // CRC, filled last
  p = b.writeInt16BE((o.codec & CODEC_MASK) | (o.transactional ? TRANSACTIONAL : 0), p);
  p = b.writeInt32BE(messages.length - 1, p); // last offset delta
  p = b.writeBigInt64BE(BigInt(first), p);
  p = b.writeBigInt64BE(BigInt(max), p);
  p = b.writeBigInt64BE(o.producerId, p);
  p = b.writeInt16BE(o.producerEpoch, p);
  p = b.writeInt32BE(o.firstSequence, p);
  b.writeInt32BE(messages.length, p);
  b.writeUInt32BE(crc32c(b, start + CRC_FROM, w.at), start + 17);
}

/**
 * A starting size for a request's buffer: 1 MiB of keys and values (kproduce's batch limit) plus 32 bytes a record
 * for lengths and varints. Counting the bytes themselves cost a pass over every record; a larger request grows.
 */
function estimate(data: ProduceRequestData): number {
  let n = 1024 * 1024 + 1024;
  for (const { partitions } of data.topicData) for (const { messages } of partitions) n += BATCH_HEADER + 64 + messages.length * 32;
  return n;
}

/**
 * The Produce request body (v3 layout, which v4-v7 reuse) as one buffer, sized up front so that it rarely grows.
 * `headroom` bytes are left free in front of the body (the returned buffer includes them) for the request's frame.
 */
export async function encodeProduceRequest(data: ProduceRequestData, compress: CompressRecords, now = Date.now(), headroom = 0): Promise<Buffer> {
  const w = new Writer(headroom + estimate(data));
  w.at = headroom;
  const written = (): Buffer => {
    encodedIn.set(data.topicData, w.buf);
    return w.take();
  };
  const transactionalId = data.transactionalId ?? null;
  const common = {
    codec: data.compression ?? 0,
    transactional: transactionalId !== null,
    producerId: BigInt(data.producerId?.toString() ?? '-1'),
    producerEpoch: data.producerEpoch ?? 0,
    now,
    compress,
  };
  w.string(transactionalId);
  w.int16(data.acks);
  w.int32(data.timeout);
  w.int32(data.topicData.length);
  for (const { topic, partitions } of data.topicData) {
    w.string(topic);
    w.int32(partitions.length);
    for (const { partition, firstSequence, messages } of partitions) {
      w.int32(partition);
      const sizeAt = w.at;
      w.int32(0);
      await writeBatch(w, messages, { ...common, firstSequence: firstSequence ?? 0 });
      w.buf.writeInt32BE(w.at - sizeAt - 4, sizeAt);
    }
  }
  return written();
}
