// Earliest and latest offsets of a topic's partitions, each leader asked on its own: a leader that is down (or a partition
// without one) leaves those partitions' offsets absent, with the reason, instead of failing the whole topic as kafkajs's
// fetchTopicOffsets does (it sends every leader's request at once and rejects on the first failure).
import './patches.js';
import { createKafka, mapKafkaError, withDeadline, type ConnectionOptions } from './client.js';
import { withOfflinePartitions } from './patches.js';
import { KtoolError, EXIT } from '../errors.js';

/** A partition's offsets, or why they are unknown (`unreachable`: its leader refused or did not answer the connection). */
export type PartitionOffsets = { partition: number; low: string; high: string } | { partition: number; error: KtoolError; unreachable?: number };

// kafkajs's ListOffsets timestamps: the log's end (the next offset written) and its start.
const LATEST = -1;
const EARLIEST = -2;

/** kafkajs's Cluster (the admin's is not exposed): metadata, brokers by node id, their connections. */
type Cluster = {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findBroker(args: { nodeId: number }): Promise<{ listOffsets(args: unknown): Promise<{ responses: Array<{ partitions: Array<{ partition: number; offset: string }> }> }> }>;
};

function createCluster(options: ConnectionOptions): Cluster {
  const kafka = createKafka(options) as unknown as Record<symbol, (o: object) => Cluster>;
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!key) throw new Error('kafkajs changed: Kafka has no private:Kafka:createCluster (lib/kafka/offsets.ts)');
  return kafka[key]!({ allowAutoTopicCreation: false });
}

/** Offsets of the given partitions (as the metadata lists them, leader -1 when there is none), one answer per partition. */
export async function offsetsByLeader(options: ConnectionOptions, topic: string, partitions: Array<{ partition: number; leader: number }>): Promise<PartitionOffsets[]> {
  const end = Date.now() + options.timeoutMs;
  const left = () => Math.max(1, end - Date.now());
  const cluster = createCluster(options);
  try {
    return await withOfflinePartitions(async () => {
      const timedOut = () => new KtoolError('BROKER_UNREACHABLE', `no answer from Kafka at ${options.brokers.join(',')} within ${options.timeoutMs} ms`, { exitCode: EXIT.unreachable });
      await withDeadline(cluster.connect(), left(), timedOut);
      await withDeadline(cluster.addTargetTopic(topic), left(), timedOut);
      const byLeader = new Map<number, number[]>();
      for (const p of partitions) if (p.leader >= 0) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partition]);
      const answers = new Map<number, PartitionOffsets>();
      for (const p of partitions) {
        if (p.leader < 0) answers.set(p.partition, { partition: p.partition, error: new KtoolError('OFFLINE', 'offline: no leader', { exitCode: EXIT.failed }) });
      }
      await Promise.all(
        [...byLeader].map(async ([leader, ids]) => {
          try {
            const ask = async (timestamp: number) => {
              const broker = await cluster.findBroker({ nodeId: leader });
              const { responses } = await broker.listOffsets({ topics: [{ topic, partitions: ids.map((partition) => ({ partition, timestamp })) }] });
              return new Map(responses.flatMap((r) => r.partitions).map((x) => [x.partition, x.offset]));
            };
            const leaderTimedOut = () => new KtoolError('BROKER_UNREACHABLE', `leader ${leader} did not answer within ${options.timeoutMs} ms`, { exitCode: EXIT.unreachable });
            const [high, low] = await withDeadline(Promise.all([ask(LATEST), ask(EARLIEST)]), left(), leaderTimedOut);
            for (const partition of ids) {
              const h = high.get(partition);
              const l = low.get(partition);
              answers.set(partition, h !== undefined && l !== undefined ? { partition, low: l, high: h } : { partition, error: new KtoolError('NO_OFFSETS', `leader ${leader} did not return its offsets`) });
            }
          } catch (e) {
            const error = mapKafkaError(e, options, topic);
            const unreachable = error.code === 'BROKER_UNREACHABLE' ? { unreachable: leader } : {};
            for (const partition of ids) answers.set(partition, { partition, ...unreachable, error: new KtoolError(error.code, `leader ${leader}: ${error.message}`, { exitCode: error.exitCode, cause: e }) });
          }
        }),
      );
      return partitions.map((p) => answers.get(p.partition)!);
    });
  } catch (e) {
    throw mapKafkaError(e, options, topic);
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}
