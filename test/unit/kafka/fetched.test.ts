// Fetched records held packed (lib/kafka/fetched.ts, batch.ts): the same records, offsets and Batch answers as kafkajs's
// own fetch decoding and Batch, on record batches kafkajs's encoder builds; what it leaves to kafkajs goes there.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PATCHED } from '../../../lib/kafka/patches.js';
import { PackedFetch, RecordCursor } from '../../../lib/kafka/fetched.js';
import type { PackedBatch } from '../../../lib/kafka/batch.js';
import { responseBuffer } from '../../../lib/kafka/response-pool.js';
import '../../../lib/kafka/index.js';
import { original } from '../../support/kafkajs-original.js';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js');
const Encoder = require('kafkajs/src/protocol/encoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');

type Decode = (d: unknown) => Promise<unknown>;
const ours = require(PATCHED.decodeMessages) as Decode;
const theirs = original<Decode>(PATCHED.decodeMessages);
type B = { messages: Array<{ offset: string }>; firstOffset(): string | null; lastOffset(): string; offsetLag(): string; offsetLagLow(): string; isEmpty(): boolean; isEmptyDueToFiltering(): boolean; isEmptyControlRecord(): boolean; isEmptyIncludingFiltered(): boolean; packed?: PackedBatch };
type Ctor = new (topic: string, fetched: unknown, data: unknown) => B;
const OurBatch = require(PATCHED.batch) as Ctor;
const TheirBatch = original<Ctor>(PATCHED.batch);

const NOW = 1_790_000_000_000;
interface Rec {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | Buffer[]>;
  offsetDelta: number;
  timestampDelta: number;
}
interface BatchSpec {
  firstOffset: number;
  records: Rec[];
  compression?: number;
  transactional?: boolean;
  /** Attribute bits set in the bytes afterwards (log-append time 0x08, control 0x20): kafkajs's encoder has no option. */
  attributes?: number;
  lastOffsetDelta?: number;
}

async function batchBytes(b: BatchSpec): Promise<Buffer> {
  const bytes: Buffer = (
    await RecordBatch({
      compression: b.compression ?? 0,
      firstOffset: Long.fromValue(b.firstOffset),
      firstTimestamp: NOW,
      maxTimestamp: NOW + 1_000,
      lastOffsetDelta: b.lastOffsetDelta ?? b.records.at(-1)?.offsetDelta ?? 0,
      transactional: b.transactional ?? false,
      producerId: Long.fromValue(b.transactional ? 9 : -1),
      records: b.records.map((r) => Record({ key: r.key ?? null, value: r.value, headers: r.headers ?? {}, offsetDelta: r.offsetDelta, timestampDelta: r.timestampDelta })),
    })
  ).buffer;
  if (b.attributes) bytes.writeInt16BE(bytes.readInt16BE(21) | b.attributes, 21);
  return bytes;
}

/** A partition's message set as a fetch response holds it (int32 size, then the batches), with a field after it. */
async function messageSet(batches: BatchSpec[], cut = 0): Promise<Buffer> {
  const all = Buffer.concat(await Promise.all(batches.map(batchBytes)));
  const kept = all.subarray(0, all.length - cut);
  return new Encoder().writeInt32(kept.length).writeBuffer(kept).writeInt32(0x5eed).buffer;
}

const values = (n: number, from = 0, f: (i: number) => Partial<Rec> = () => ({})): Rec[] => Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${from + i}`), offsetDelta: i, timestampDelta: i * 10, ...f(i) }));

/** The records our packed batch hands over, as consumer.ts reads them (cursor, `skip` first). */
function handedOver(b: B) {
  const c = new RecordCursor(b.packed!.fetch.runs);
  for (let i = 0; i < b.packed!.skip; i++) c.next();
  const out = [];
  while (c.next()) {
    out.push({
      offset: String(c.offset),
      timestamp: String(c.timestamp),
      key: c.keyEnd < 0 ? null : Buffer.from(c.buf.subarray(c.keyStart, c.keyEnd)),
      value: c.valueEnd < 0 ? null : Buffer.from(c.buf.subarray(c.valueStart, c.valueEnd)),
      headers: c.headers(),
    });
  }
  return out;
}
/** kafkajs's record objects in the same shape (its headers object in key order: no integer-like names here). */
const asRecords = (b: B) =>
  (b.messages as unknown as Array<{ offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }>).map((m) => ({
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
    headers: Object.entries(m.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x])),
  }));

const cases: Array<{ what: string; batches: BatchSpec[]; fetched: string; cut?: number }> = [
  { what: 'one batch', batches: [{ firstOffset: 100, records: values(5) }], fetched: '100' },
  { what: 'several batches', batches: [{ firstOffset: 0, records: values(3) }, { firstOffset: 3, records: values(4, 3) }, { firstOffset: 7, records: values(1, 7) }], fetched: '0' },
  { what: 'fetched from inside the first batch', batches: [{ firstOffset: 10, records: values(6) }, { firstOffset: 16, records: values(2, 6) }], fetched: '13' },
  { what: 'fetched past a whole batch', batches: [{ firstOffset: 10, records: values(3) }, { firstOffset: 13, records: values(3, 3) }], fetched: '14' },
  { what: 'every record below the fetched offset (compaction)', batches: [{ firstOffset: 20, records: values(3), lastOffsetDelta: 9 }], fetched: '25' },
  { what: 'gaps from compaction, the batch\'s last record gone', batches: [{ firstOffset: 50, records: [0, 4, 5, 9].map((d) => ({ value: Buffer.from(`c${d}`), offsetDelta: d, timestampDelta: d })), lastOffsetDelta: 12 }], fetched: '52' },
  {
    what: 'null and empty keys and values, headers (one repeated), a 300 KB value',
    batches: [
      {
        firstOffset: 0,
        records: [
          { key: null, value: null, offsetDelta: 0, timestampDelta: -5 },
          { key: Buffer.alloc(0), value: Buffer.alloc(0), offsetDelta: 1, timestampDelta: 0 },
          { key: Buffer.from('k'), value: Buffer.from('v'), headers: { a: Buffer.from('1'), dup: [Buffer.from('2'), Buffer.from('3')], 'ü': Buffer.alloc(0) }, offsetDelta: 2, timestampDelta: 86_400_000 },
          { value: randomBytes(300_000), offsetDelta: 3, timestampDelta: 1 },
        ],
      },
    ],
    fetched: '0',
  },
  { what: 'log-append time', batches: [{ firstOffset: 0, records: values(3), attributes: 0x08 }], fetched: '0' },
  { what: 'gzip', batches: [{ firstOffset: 0, records: values(50, 0, (i) => ({ key: Buffer.from(`k${i}`) })), compression: 1 }, { firstOffset: 50, records: values(2, 50) }], fetched: '10' },
  { what: 'the last batch cut short (maxBytes)', batches: [{ firstOffset: 0, records: values(3) }, { firstOffset: 3, records: values(3, 3) }], fetched: '0', cut: 7 },
  { what: 'a batch of no records (kept by compaction)', batches: [{ firstOffset: 0, records: values(2) }, { firstOffset: 2, records: [], lastOffsetDelta: 3 }, { firstOffset: 6, records: values(1, 6) }], fetched: '0' },
];

describe('packed fetch decoding', () => {
  it.each(cases)('hands over the records kafkajs does, and its Batch answers the same: $what', async ({ batches, fetched, cut }) => {
    const bytes = await messageSet(batches, cut);
    const [d1, d2] = [new Decoder(bytes), new Decoder(bytes)];
    const packed = await ours(d1);
    const objects = await theirs(d2);
    expect(packed).toBeInstanceOf(PackedFetch);
    expect(d1.offset).toBe(d2.offset); // both read the whole message set
    expect(d1.readInt32()).toBe(0x5eed);
    const data = (messages: unknown) => ({ partition: 0, highWatermark: '100', messages });
    const [o, t] = [new OurBatch('t', fetched, data(packed)), new TheirBatch('t', fetched, data(objects))];
    expect(handedOver(o)).toEqual(asRecords(t));
    expect(o.messages.length).toBe(t.messages.length);
    for (const m of ['firstOffset', 'lastOffset', 'offsetLag', 'offsetLagLow', 'isEmpty', 'isEmptyDueToFiltering', 'isEmptyControlRecord', 'isEmptyIncludingFiltered'] as const) expect(o[m]()).toEqual(t[m]());
    // kafkajs's runner reads the last entry's offset (resolving the last record of a batch).
    if (t.messages.length > 0) expect(o.messages.at(-1)!.offset).toBe(t.messages.at(-1)!.offset);
  });

  it('leaves transactions, control batches and offsets beyond 2^53 to kafkajs (its aborted-transaction filter needs its records)', async () => {
    for (const batches of [
      [{ firstOffset: 0, records: values(2) }, { firstOffset: 2, records: values(2, 2), transactional: true }],
      [{ firstOffset: 0, records: values(1), attributes: 0x20 }],
      [{ firstOffset: 2 ** 53, records: values(2) }],
    ]) {
      const bytes = await messageSet(batches);
      const [d1, d2] = [new Decoder(bytes), new Decoder(bytes)];
      const got = await ours(d1);
      expect(Array.isArray(got)).toBe(true);
      expect(got).toEqual(await theirs(d2));
      expect(d1.offset).toBe(d2.offset);
    }
  });

  it('a response holding kafkajs\'s records is never pooled again, whatever the packed partitions beside them release', async () => {
    const plain = await messageSet([{ firstOffset: 0, records: values(3) }]);
    const txn = await messageSet([{ firstOffset: 0, records: values(2), transactional: true }]);
    const response = responseBuffer(512 * 1024).fill(0); // a fetch response: one packed partition, then one left to kafkajs
    plain.copy(response, 0);
    txn.copy(response, plain.length);
    const d = new Decoder(response);
    const packed = (await ours(d)) as PackedFetch;
    expect(packed).toBeInstanceOf(PackedFetch);
    expect(d.readInt32()).toBe(0x5eed); // the field messageSet() puts after each
    expect(await ours(d)).toEqual([expect.objectContaining({ offset: '0' }), expect.objectContaining({ offset: '1' })]);
    packed.release();
    expect(responseBuffer(512 * 1024).buffer).not.toBe(response.buffer);
  });

  it('gives kafkajs what has no record batch: an empty message set', async () => {
    const bytes = new Encoder().writeInt32(0).writeInt32(0x5eed).buffer;
    const [d1, d2] = [new Decoder(bytes), new Decoder(bytes)];
    expect(await ours(d1)).toEqual(await theirs(d2));
    expect(d1.offset).toBe(d2.offset);
  });
});
