// kafkajs 2.2.4's default partitioner (the Java client's: murmur2 of the key; keyless records round-robin over the
// partitions that have a leader, from a random start), without its per-record cost: it filtered the partition list
// for every record. The available partitions are worked out once per metadata list (a send passes the same array for
// each of its records). test/unit/kafka/partitioner.test.ts checks it against kafkajs's choices.
import { createRequire } from 'node:module';
import type { Partitioner } from './group-messages.js';

const require = createRequire(import.meta.url);
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

const toPositive = (x: number) => x & 0x7fffffff;

type PartitionMeta = { partitionId: number; leader: number };

/** A partitioner that can also place n records of one key at once (packed sends: lib/kafka/packed.ts). */
export type BulkPartitioner = Partitioner & {
  /** The partition of each of n records with this key, as n calls would choose them, in order. */
  assign(args: { topic: string; partitionMetadata: unknown[]; key: Buffer | string | null }, n: number): Uint32Array;
};

export function javaPartitioner(): BulkPartitioner {
  const counters = new Map<string, number>();
  let listed: unknown[] | undefined;
  let available: PartitionMeta[] = [];
  const availableIn = (partitionMetadata: unknown[]) => {
    if (partitionMetadata !== listed) {
      listed = partitionMetadata;
      available = (partitionMetadata as PartitionMeta[]).filter((p) => p.leader >= 0);
    }
    return available;
  };
  /** The topic's next round-robin number. A random start, as kafkajs's (it drew it from node:crypto, whose loading cost a one-shot ~3 ms; no secret hangs on it). */
  const next = (topic: string) => {
    const n = (counters.get(topic) ?? Math.floor(Math.random() * 0x100000000)) + 1;
    counters.set(topic, n);
    return n;
  };
  /** No partition has a leader: one without, as kafkajs does (the send then waits for an election). */
  const roundRobin = (n: number, partitionMetadata: unknown[], live: PartitionMeta[]) =>
    live.length > 0 ? live[toPositive(n) % live.length]!.partitionId : toPositive(n) % partitionMetadata.length;
  const partitioner: Partitioner = ({ topic, partitionMetadata, message }) => {
    const m = message as { key?: Buffer | string | null; partition?: number | null };
    if (m.partition !== null && m.partition !== undefined) return m.partition;
    if (m.key !== null && m.key !== undefined) return toPositive(murmur2(m.key)) % partitionMetadata.length;
    return roundRobin(next(topic), partitionMetadata, availableIn(partitionMetadata));
  };
  const assign: BulkPartitioner['assign'] = ({ topic, partitionMetadata, key }, n) => {
    const out = new Uint32Array(n);
    if (key !== null) return out.fill(toPositive(murmur2(key)) % partitionMetadata.length);
    const live = availableIn(partitionMetadata);
    const first = next(topic);
    counters.set(topic, first + n - 1);
    for (let i = 0; i < n; i++) out[i] = roundRobin(first + i, partitionMetadata, live);
    return out;
  };
  return Object.assign(partitioner, { assign });
}
