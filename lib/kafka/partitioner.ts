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

export function javaPartitioner(): Partitioner {
  const counters = new Map<string, number>();
  let listed: unknown[] | undefined;
  let available: PartitionMeta[] = [];
  return ({ topic, partitionMetadata, message }) => {
    const m = message as { key?: Buffer | string | null; partition?: number | null };
    if (m.partition !== null && m.partition !== undefined) return m.partition;
    if (m.key !== null && m.key !== undefined) return toPositive(murmur2(m.key)) % partitionMetadata.length;
    if (partitionMetadata !== listed) {
      listed = partitionMetadata;
      available = (partitionMetadata as PartitionMeta[]).filter((p) => p.leader >= 0);
    }
    // A random start, as kafkajs's (it drew it from node:crypto, whose loading cost a one-shot ~3 ms; no secret hangs on it).
    const next = (counters.get(topic) ?? Math.floor(Math.random() * 0x100000000)) + 1;
    counters.set(topic, next);
    // No partition has a leader: one without, as kafkajs does (the send then waits for an election).
    return available.length > 0 ? available[toPositive(next) % available.length]!.partitionId : toPositive(next) % partitionMetadata.length;
  };
}
