// Packed records (plain lines held as spans of their input chunks) against the same records as objects: the same
// partition for each record, the same request bytes.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byPartition, PackedRecords } from '../../../lib/kafka/packed.js';
import { javaPartitioner } from '../../../lib/kafka/partitioner.js';
import { groupMessagesPerPartition } from '../../../lib/kafka/group-messages.js';
import { encodeProduceRequest, type ProduceRequestData } from '../../../lib/kafka/produce-request.js';
import { lines, runsOf } from '../../support/runs.js';

const require = createRequire(import.meta.url);
const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js');
const compress = (codec: number, records: Buffer): Promise<Buffer> => lookupCodec(codec).compress({ buffer: records });
const NOW = 1_790_000_000_000;

const meta = (n: number, leaderless: number[] = []) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: leaderless.includes(i) ? -1 : 1 }));

describe('packed records', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hold the records the splitter finds, chunk by chunk, without a Buffer per record', async () => {
    const { runs, values } = await runsOf(lines(2_000), 4096);
    const packed = new PackedRecords(runs, null);
    expect(packed.length).toBe(2_000);
    expect(values).toHaveLength(2_000);
    for (const i of [0, 1, 999, 1_999]) expect(packed.at(i).value.equals(values[i]!)).toBe(true);
    // A record split over two chunks is joined into a run of its own; the others are spans of their chunk.
    expect(runs.some((r) => r.bounds.length === 2)).toBe(true);
    expect(runs.length).toBeLessThan(2_000 / 4);
  });

  it.each([
    { what: 'keyless over 3 partitions', key: null, partitions: meta(3) },
    { what: 'keyless, one partition without a leader', key: null, partitions: meta(4, [1]) },
    { what: 'one text key', key: 'user-ção', partitions: meta(6) },
  ])('are placed and encoded as the same records one by one: $what', async ({ key, partitions }) => {
    const { runs, values } = await runsOf(lines(3_000), 1000);
    // Two partitioners from the same round-robin start: one places records one by one, the other in bulk.
    vi.spyOn(Math, 'random').mockReturnValue(0.37);
    const one = javaPartitioner();
    const bulk = javaPartitioner();
    const start = { topic: 't', partitionMetadata: partitions, message: { value: 'v' } };
    const messages = values.map((value) => ({ key, value }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: partitions, messages, partitioner: one }) as Record<number, typeof messages>;
    const packed = groupMessagesPerPartition({ topic: 't', partitionMetadata: partitions, messages: new PackedRecords(runs, key), partitioner: bulk }) as Record<number, { length: number; indexes(): number[] }>;
    expect(Object.keys(packed).sort()).toEqual(Object.keys(grouped).sort());
    for (const p of Object.keys(grouped)) {
      expect(packed[Number(p)]!.length).toBe(grouped[Number(p)]!.length);
      const want = grouped[Number(p)]!.map((m) => m.value);
      const got = packed[Number(p)]!.indexes().map((i) => values[i]!);
      expect(got.length === want.length && got.every((v, i) => v === want[i])).toBe(true);
    }
    // Both go on from the same place: the next send is placed alike too.
    expect(bulk(start)).toBe(one(start));
    for (const compression of [0, 1]) {
      const request = (m: Record<number, unknown>): ProduceRequestData => ({
        acks: -1,
        timeout: 5_000,
        producerId: { toString: () => '4242' },
        producerEpoch: 3,
        compression,
        topicData: [{ topic: 't', partitions: Object.keys(m).map((p, i) => ({ partition: Number(p), firstSequence: 100 * i, messages: m[Number(p)] as never })) }],
      });
      const theirs = await encodeProduceRequest(request(grouped), compress, NOW);
      const ours = await encodeProduceRequest(request(packed), compress, NOW);
      expect(ours.equals(theirs)).toBe(true);
    }
  });

  it('a Buffer key and an empty record encode as the same records one by one', async () => {
    const { runs, values } = await runsOf('a\n\nccc\n', 2);
    const key = Buffer.from([0, 255, 7]);
    const all = new Uint32Array(values.length); // every record to partition 0
    const packed = byPartition(new PackedRecords(runs, key), all);
    const request = (messages: never): ProduceRequestData => ({ acks: 1, timeout: 1_000, topicData: [{ topic: 'x', partitions: [{ partition: 0, messages }] }] });
    const theirs = await encodeProduceRequest(request(values.map((value) => ({ key, value })) as never), compress, NOW);
    expect((await encodeProduceRequest(request(packed[0] as never), compress, NOW)).equals(theirs)).toBe(true);
  });
});
