// Messages of one send grouped by partition, in input order, in linear time: kafkajs 2.2.4's version copies the
// partition's array for every message (quadratic in batch size). Installed by patches.ts.

export type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

/** Messages by partition, in input order: what kafkajs's version returns, in linear time. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  // One arguments object for the whole send, not one per record (partitioners read it during the call only).
  const args = { topic, partitionMetadata, message: undefined as unknown };
  for (const message of messages) {
    args.message = message;
    (result[partitioner(args)] ??= []).push(message);
  }
  return result;
}
