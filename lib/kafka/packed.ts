// Records of a bulk send held as spans of the input's chunks: no object and no Buffer per record (kproduce's plain lines,
// issue 16). The Produce encoder (produce-request.ts) copies each span straight into the request; the grouping
// (group-messages.ts) gives each partition a view of the send instead of an array of messages. No kafkajs here.

/** Records found in one chunk of input: record i is buf[bounds[2i], bounds[2i+1]). */
export interface RecordRun {
  buf: Buffer;
  bounds: Uint32Array;
}

/** A RecordRun's number of records. */
export const runLength = (run: RecordRun): number => run.bounds.length >> 1;

/** The bytes a zig-zag varint of v takes. */
export const zigzagSize = (v: number): number => {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  for (; u >= 0x80; n++) u = Math.floor(u / 0x80);
  return n;
};

/**
 * At least the bytes Kafka's v2 record format takes for a record with this value size, without headers or timestamp:
 * `keyField` is the key's (zig-zag length and bytes; 1 for a null key), and the offset delta is taken as 3 bytes
 * (any delta below 2^20).
 */
export function recordSizeBound(keyField: number, valueSize: number): number {
  const body = 1 + 1 + 3 + keyField + zigzagSize(valueSize) + valueSize + 1;
  return zigzagSize(body) + body;
}

/** A key's field in a record: its zig-zag length and its bytes, or 1 byte for null. */
export const keyFieldSize = (keySize: number | null): number => (keySize === null ? 1 : zigzagSize(keySize) + keySize);

/** One record as the rest of the producer takes it (made only on a rare path: a refusal, a record sent again alone). */
export interface PlainRecord {
  key: Buffer | string | null;
  value: Buffer;
}

/** The records of one send, in input order, all with the same key (kproduce -k, or none). */
export class PackedRecords {
  readonly length: number;
  /** Where they all go, if the sender chose (lanes.ts); else the partitioner places them. */
  partition: number | undefined;
  constructor(
    readonly runs: RecordRun[],
    readonly key: Buffer | string | null,
  ) {
    let n = 0;
    for (const run of runs) n += runLength(run);
    this.length = n;
  }

  /** kafkajs's check for a message without a value (producer/messageProducer.js): every record here has one. */
  find(): undefined {
    return undefined;
  }

  /** Record i as an object. */
  at(i: number): PlainRecord {
    for (const run of this.runs) {
      const n = runLength(run);
      if (i < n) return { key: this.key, value: run.buf.subarray(run.bounds[2 * i]!, run.bounds[2 * i + 1]!) };
      i -= n;
    }
    throw new RangeError(`no record ${i} in this send`);
  }
}

/** The records of a PackedRecords that one partition takes: record i is among them if partitions[i] is `partition` (all if null). */
export class PartitionRecords {
  constructor(
    readonly source: PackedRecords,
    readonly partitions: Uint32Array | null,
    readonly partition: number,
    readonly length: number,
  ) {}

  /** kafkajs's check (see PackedRecords#find). */
  find(): undefined {
    return undefined;
  }

  /** Their positions in the send, in order. */
  indexes(): number[] {
    const out: number[] = [];
    const { partitions } = this;
    for (let i = 0; i < this.source.length; i++) if (partitions === null || partitions[i] === this.partition) out.push(i);
    return out;
  }
}

/**
 * The send split by partition: partitions[i] is record i's (the partitioner's choice); each keeps input order. Records
 * the sender sent to one partition (`records.partition`) are all that partition's.
 */
export function byPartition(records: PackedRecords, partitions?: Uint32Array): Record<number, PartitionRecords> {
  if (records.partition !== undefined) return { [records.partition]: new PartitionRecords(records, null, records.partition, records.length) };
  if (!partitions) throw new TypeError('byPartition: records without a partition need one per record');
  const counts = new Map<number, number>();
  for (let i = 0; i < partitions.length; i++) counts.set(partitions[i]!, (counts.get(partitions[i]!) ?? 0) + 1);
  const out: Record<number, PartitionRecords> = {};
  for (const [partition, n] of counts) out[partition] = new PartitionRecords(records, partitions, partition, n);
  return out;
}
