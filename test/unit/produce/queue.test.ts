// kproduce's sender queues: packed runs give the batches records one by one give, and a packed batch stays within its
// size as encoded.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { byPartition } from '../../../lib/kafka/packed.js';
import { encodeProduceRequest } from '../../../lib/kafka/produce-request.js';
import { recordQueue, runQueue } from '../../../lib/produce/queue.js';
import { lines, runsOf } from '../../support/runs.js';

const require = createRequire(import.meta.url);
const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js');
const compress = (codec: number, records: Buffer): Promise<Buffer> => lookupCodec(codec).compress({ buffer: records });

describe('the sender queues', () => {
  it('take the same batches from packed runs as from records one by one, by record count', async () => {
    const { runs, values } = await runsOf(lines(5_000), 3000);
    const byOne = recordQueue();
    const packed = runQueue('k');
    for (const value of values) byOne.push({ key: 'k', value });
    for (const run of runs) packed.push(run);
    expect(packed.length).toBe(byOne.length);
    for (const records of [700, 1, 2_345, 3]) {
      const a = byOne.take(records, Infinity);
      const b = packed.take(records, Infinity);
      expect([b.length, b.bytes]).toEqual([a.length, a.bytes]);
      expect(b.record(0)).toEqual(a.record(0));
      expect(b.record(b.length - 1)).toEqual(a.record(a.length - 1));
      expect(b.payload.kind === 'packed' && b.payload.records.length).toBe(a.length);
    }
    const restA = byOne.take(byOne.length, Infinity);
    const restB = packed.take(packed.length, Infinity);
    expect(restB.length).toBe(restA.length);
    expect(restB.record(0)).toEqual(restA.record(0));
    expect([packed.length, packed.take(10, 10).length]).toEqual([0, 0]);
  });

  it('bound a packed batch by its size as encoded, so that one partition can take it whole', async () => {
    const { runs } = await runsOf(lines(20_000), 64 * 1024);
    for (const key of [null, 'a-key']) {
      const packed = runQueue(key);
      for (const run of runs) packed.push(run);
      const limit = 100_000;
      while (packed.length > 0) {
        const batch = packed.take(10_000, limit);
        if (batch.payload.kind !== 'packed') throw new Error('expected a packed batch');
        const records = batch.payload.records;
        const one = byPartition(records, new Uint32Array(records.length));
        const request = await encodeProduceRequest({ acks: -1, timeout: 1_000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: one[0]! }] }] }, compress, 0);
        // Request and batch headers (topic, partition, 61 bytes of batch header) around the records.
        expect(request.length - 100).toBeLessThanOrEqual(limit);
        // Full batches are near the limit: the bound is close to the real size.
        if (packed.length > 0) expect(request.length).toBeGreaterThan(limit * 0.95);
      }
    }
    // A record over the limit still goes, alone.
    const big = runQueue(null);
    big.push({ buf: Buffer.alloc(500), bounds: Uint32Array.of(0, 10, 10, 500) });
    expect(big.take(100, 50).length).toBe(1);
    expect(big.take(100, 50).length).toBe(1);
  });
});
