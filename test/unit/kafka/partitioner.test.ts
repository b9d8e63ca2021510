// Our default partitioner against kafkajs's: the same partition for every key (the Java client's murmur2), keyless
// records spread round-robin over the partitions that have a leader, an explicit partition kept.
import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { javaPartitioner } from '../../../lib/kafka/partitioner.js';

const meta = (n: number, leaderless: number[] = []) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: leaderless.includes(i) ? -1 : 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('javaPartitioner', () => {
  it('puts each key where kafkajs (and the Java client) puts it', () => {
    const ours = javaPartitioner();
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    for (const n of [1, 3, 6, 50]) {
      const partitionMetadata = meta(n);
      for (let i = 0; i < 500; i++) {
        for (const key of [`user-${i}`, Buffer.from([i & 0xff, i >> 8, 7]), 'ção-' + i]) {
          const args = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
          expect(ours(args)).toBe(theirs(args));
        }
      }
    }
  });

  it('spreads keyless records evenly over the partitions with a leader, and keeps an explicit partition', () => {
    const p = javaPartitioner();
    const partitionMetadata = meta(4, [2]);
    const seen = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const at = p({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } });
      seen.set(at, (seen.get(at) ?? 0) + 1);
    }
    expect([...seen.entries()].sort()).toEqual([[0, 100], [1, 100], [3, 100]]);
    expect(p({ topic: 't', partitionMetadata, message: { key: 'k', partition: 2, value: 'v' } })).toBe(2);
    // A new metadata list (a leader came back) is looked at afresh.
    const back = meta(4);
    const after = new Set(Array.from({ length: 8 }, () => p({ topic: 't', partitionMetadata: back, message: { value: 'v' } })));
    expect([...after].sort()).toEqual([0, 1, 2, 3]);
    // None with a leader: still a partition of the topic, as kafkajs gives.
    expect(p({ topic: 't', partitionMetadata: meta(2, [0, 1]), message: { value: 'v' } })).toBeLessThan(2);
  });
});
