// Fetched records held packed: the record batches of one partition's fetch as spans of the response (or of a batch's
// decompressed bytes), with no object or Buffer per record (issue 16). kafkajs 2.2.4's fetch decoder made about six
// objects per record (a Buffer view and a Decoder for the record, the record, its value's view, its offset and timestamp
// strings); at 1,000,000 records that was most of kconsume's time and memory. Records are decoded as they are read
// (RecordCursor). Batches of a transaction or control batches keep kafkajs's own decoding (its aborted-transaction
// filter needs its record objects); so do the pre-0.11 message formats. Installed by patches.ts in place of kafkajs's
// protocol/requests/fetch/v4/decodeMessages.js (fetch v4-v11); batch.ts and consumer.ts read what it returns.
import { lease, release, type Lease } from './response-pool.js';

/** One record batch's records: they lie in buf[start, end). Offsets and times are those of the batch header. */
export interface FetchedRun {
  buf: Buffer;
  start: number;
  end: number;
  count: number;
  baseOffset: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  /** The batch's max timestamp: every record's time when the topic keeps log-append time. */
  maxTimestamp: number;
  logAppendTime: boolean;
}

/** The records of one partition from one fetch. */
export class PackedFetch {
  constructor(
    readonly runs: FetchedRun[],
    readonly count: number,
    /** The pooled response buffer the runs lie in (response-pool.ts), until released. */
    public lease?: Lease,
  ) {}

  /** Once no record of it will be read again (each copied out, or none to be handed over): its buffer may be reused. */
  release(): void {
    const l = this.lease;
    this.lease = undefined;
    if (l) release(l);
  }
}

const BATCH_HEADER = 61; // base offset .. record count
const ATTR_CODEC = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const MAGIC_V2 = 2;

type Decoder = { buffer: Buffer; offset: number; readInt32(): number };
type Codec = { decompress(b: Buffer): Promise<Buffer> } | null;

/** An int64 as a Number, or undefined beyond 2^53 (such offsets and times keep kafkajs's path). */
const int64 = (b: Buffer, at: number): number | undefined => {
  const v = b.readBigInt64BE(at);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : undefined;
};

/**
 * kafkajs's decodeMessages with packed runs for plain v2 batches: `original` is kafkajs's, for everything else
 * (it reads from the same position). Like kafkajs, a batch cut short at the end of the response (maxBytes) is dropped.
 */
export function packedDecodeMessages(original: (d: Decoder) => Promise<unknown>, codecOf: (attributes: number) => Codec) {
  return async (decoder: Decoder): Promise<unknown> => {
    const at = decoder.offset;
    const b = decoder.buffer;
    if (at + 4 > b.length) return original(decoder);
    const size = b.readInt32BE(at);
    const start = at + 4;
    const end = start + size;
    if (size <= 0 || end > b.length) return original(decoder);
    const runs: FetchedRun[] = [];
    let count = 0;
    for (let p = start; p + BATCH_HEADER <= end; ) {
      const length = b.readInt32BE(p + 8);
      const batchEnd = p + 12 + length;
      if (batchEnd > end) break; // cut short by maxBytes
      const attributes = b.readInt16BE(p + 21);
      const baseOffset = int64(b, p);
      const baseTimestamp = int64(b, p + 27);
      const maxTimestamp = int64(b, p + 35);
      const lastOffsetDelta = b.readInt32BE(p + 23);
      if (b[p + 16] !== MAGIC_V2 || attributes & (ATTR_TRANSACTIONAL | ATTR_CONTROL) || baseOffset === undefined || baseTimestamp === undefined || maxTimestamp === undefined || !Number.isSafeInteger(baseOffset + lastOffsetDelta)) {
        // kafkajs's records are views of the response: a lease never released keeps its buffer out of the pool
        // (the other partitions' releases must not give it back while these are read).
        lease(b);
        decoder.offset = at;
        return original(decoder);
      }
      const n = b.readInt32BE(p + 57);
      const codec = attributes & ATTR_CODEC ? codecOf(attributes) : null;
      let run: FetchedRun = { buf: b, start: p + BATCH_HEADER, end: batchEnd, count: n, baseOffset, lastOffsetDelta, baseTimestamp, maxTimestamp, logAppendTime: (attributes & ATTR_LOG_APPEND_TIME) !== 0 };
      if (codec) {
        const plain = await codec.decompress(b.subarray(p + BATCH_HEADER, batchEnd));
        run = { ...run, buf: plain, start: 0, end: plain.length };
      }
      if (n > 0) {
        runs.push(run);
        count += n;
      }
      p = batchEnd;
    }
    decoder.offset = end;
    return new PackedFetch(runs, count, lease(b));
  };
}

/**
 * Reads the records of runs one at a time: next() moves to the next record and fills the fields, which stay valid until
 * the next call. A field's span is [start, end) of `buf`; end -1 is a null key or value.
 */
export class RecordCursor {
  buf: Buffer = Buffer.alloc(0);
  offset = 0;
  timestamp = 0;
  keyStart = 0;
  keyEnd = -1;
  valueStart = 0;
  valueEnd = -1;
  /** Where the header list starts (its count first), and how many headers there are. */
  headersAt = 0;
  headerCount = 0;
  private run = 0;
  private left = 0;
  private pos = 0;
  private current: FetchedRun | undefined;

  constructor(private readonly runs: FetchedRun[]) {}

  next(): boolean {
    while (this.left === 0) {
      const r = this.runs[this.run++];
      if (!r) return false;
      this.current = r;
      this.buf = r.buf;
      this.pos = r.start;
      this.left = r.count;
    }
    const r = this.current!;
    this.left--;
    const length = this.varint();
    const recordEnd = this.pos + length;
    this.pos++; // attributes (unused in v2)
    const timestampDelta = this.varint();
    this.offset = r.baseOffset + this.varint();
    this.timestamp = r.logAppendTime ? r.maxTimestamp : r.baseTimestamp + timestampDelta;
    const keyLength = this.varint();
    this.keyStart = this.pos;
    this.keyEnd = keyLength < 0 ? -1 : (this.pos += keyLength);
    const valueLength = this.varint();
    this.valueStart = this.pos;
    this.valueEnd = valueLength < 0 ? -1 : (this.pos += valueLength);
    this.headersAt = this.pos;
    this.headerCount = this.varint();
    this.pos = recordEnd;
    return true;
  }

  /** The current record's headers, in the order it carries them (a null name reads "null", as kafkajs has it). */
  headers(): Array<[string, Buffer | null]> {
    const list: Array<[string, Buffer | null]> = [];
    const back = this.pos;
    this.pos = this.headersAt;
    const n = this.varint();
    for (let i = 0; i < n; i++) {
      const kn = this.varint();
      const name = kn < 0 ? 'null' : this.buf.toString('utf8', this.pos, (this.pos += kn));
      const vn = this.varint();
      list.push([name, vn < 0 ? null : this.buf.subarray(this.pos, (this.pos += vn))]);
    }
    this.pos = back;
    return list;
  }

  /** A zig-zag varint (or varlong within ±2^53) at pos, which it advances. */
  private varint(): number {
    const b = this.buf;
    let u = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = b[this.pos++]!;
      u += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}
