// Messages of one send grouped by partition, in input order, in linear time: kafkajs 2.2.4's version copies the
// partition's array for every message (quadratic in batch size). Installed by patches.ts.
import { byPartition, PackedRecords } from './packed.js';
import type { BulkPartitioner } from './partitioner.js';

export type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

/**
 * Messages by partition, in input order: what kafkajs's version returns, in linear time. Packed records (packed.ts)
 * come back as one view per partition, placed by the partitioner's `assign` as it would place them one by one.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[] | PackedRecords; partitioner: Partitioner }): Record<number, unknown> {
  if (partitionMetadata.length === 0) return {};
  if (messages instanceof PackedRecords) {
    if (messages.partition !== undefined) return byPartition(messages);
    const { assign } = partitioner as Partial<BulkPartitioner>;
    if (!assign) throw new TypeError('packed records need a partitioner that can place them in bulk (javaPartitioner)');
    return byPartition(messages, assign({ topic, partitionMetadata, key: messages.key }, messages.length));
  }
  const result: Record<number, unknown[]> = {};
  // One arguments object for the whole send, not one per record (partitioners read it during the call only).
  const args = { topic, partitionMetadata, message: undefined as unknown };
  for (const message of messages) {
    args.message = message;
    (result[partitioner(args)] ??= []).push(message);
  }
  return result;
}
