// Cluster queries through the admin client: brokers, topics, offsets, groups.
import { withAdmin, type ConnectionOptions } from './client.js';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

/** The brokers the cluster's metadata lists, sorted by node id. */
export async function describeBrokers(options: ConnectionOptions): Promise<{ brokers: BrokerInfo[]; controller: number | null }> {
  const cluster = await withAdmin(options, (admin) => admin.describeCluster());
  const brokers = cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
  return { brokers: brokers.sort((a, b) => a.nodeId - b.nodeId), controller: cluster.controller };
}

/** Creates a topic and waits until its leaders are elected; false if it already existed. */
export function createTopic(options: ConnectionOptions, topic: string, partitions: number, replicationFactor = 1, configs: Record<string, string> = {}): Promise<boolean> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  return withAdmin(
    options,
    (admin) => admin.createTopics({ waitForLeaders: true, timeout: options.timeoutMs, topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries }] }),
    topic,
  );
}

/** Partition leaders, replicas and in-sync replicas of a topic. */
export async function topicPartitions(options: ConnectionOptions, topic: string): Promise<Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>> {
  const meta = await withAdmin(options, (admin) => admin.fetchTopicMetadata({ topics: [topic] }), topic);
  return (meta.topics[0]?.partitions ?? []).map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }));
}

/** Partition offsets of a topic: low (earliest) and high (next to be written). */
export async function topicOffsets(options: ConnectionOptions, topic: string): Promise<Array<{ partition: number; low: string; high: string }>> {
  const offsets = await withAdmin(options, (admin) => admin.fetchTopicOffsets(topic), topic);
  return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
}

/** Committed offsets of a group on a topic; -1 where nothing is committed. */
export async function committedOffsets(options: ConnectionOptions, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [result] = await withAdmin(options, (admin) => admin.fetchOffsets({ groupId, topics: [topic] }), topic);
  return new Map((result?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

/** Per partition, the first offset whose timestamp is at or after `timestamp` (ms), else the end. */
export async function offsetsForTime(options: ConnectionOptions, topic: string, timestamp: number): Promise<Map<number, bigint>> {
  const offsets = await withAdmin(options, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp), topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
}

/** Every topic's name, internal ones (leading "__") left out. */
export async function listTopicNames(options: ConnectionOptions): Promise<string[]> {
  const names = await withAdmin(options, (admin) => admin.listTopics());
  return names.filter((n) => !n.startsWith('__')).sort();
}

export async function deleteGroup(options: ConnectionOptions, groupId: string): Promise<void> {
  await withAdmin(options, (admin) => admin.deleteGroups([groupId]));
}
