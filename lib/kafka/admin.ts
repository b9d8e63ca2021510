// Cluster queries through the admin client: brokers, topics, offsets, groups.
import kafkajs, { AssignerProtocol, type Admin } from 'kafkajs';
import { EXIT, KtoolError } from '../errors.js';
import { withAdmin, type ConnectionOptions } from './client.js';

// Node's CommonJS interop cannot see these two as named exports of kafkajs (they come after a spread in its index.js).
const { ConfigResourceTypes, ConfigSource } = kafkajs;

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
    async (admin) => {
      // kafkajs's waitForLeaders waits for LEADER_NOT_AVAILABLE errors to stop, which withAdmin's metadata does not raise
      // (patches.ts): the leaders are polled here instead.
      const created = await admin.createTopics({ waitForLeaders: false, timeout: options.timeoutMs, topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries }] });
      if (created) await waitForLeaders(admin, topic, Date.now() + options.timeoutMs);
      return created;
    },
    topic,
  );
}

/** Until every partition of the topic has a leader (a new topic's metadata reaches the brokers asynchronously). */
async function waitForLeaders(admin: Admin, topic: string, until: number): Promise<void> {
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch((e: { retriable?: boolean }) => (e.retriable === true ? undefined : Promise.reject(e)));
    const parts = meta?.topics.find((t) => t.name === topic)?.partitions ?? [];
    if (parts.length > 0 && parts.every((p) => p.leader >= 0 && !p.partitionErrorCode)) return;
    if (Date.now() >= until) throw new KtoolError('NO_LEADERS', `topic "${topic}" was created, but its partitions have no leader yet`, { exitCode: EXIT.unreachable, hint: 'are enough brokers up? `ktopics describe` shows the partitions' });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Partition leaders, replicas and in-sync replicas of a topic. */
export async function topicPartitions(options: ConnectionOptions, topic: string): Promise<PartitionMeta[]> {
  return (await fetchTopics(options, [topic]))[0]?.partitions ?? [];
}

/** Partition offsets of a topic: low (earliest) and high (next to be written). */
export async function topicOffsets(options: ConnectionOptions, topic: string): Promise<Array<{ partition: number; low: string; high: string }>> {
  const offsets = await withAdmin(options, (admin) => admin.fetchTopicOffsets(topic), topic);
  return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
}

/** Committed offsets of a group on a topic; -1 where nothing is committed. */
export async function committedOffsets(options: ConnectionOptions, groupId: string, topic: string): Promise<Map<number, bigint>> {
  return new Map((await groupOffsets(options, groupId, [topic])).map((p) => [p.partition, p.offset]));
}

/** Per partition, the first offset whose timestamp is at or after `timestamp` (ms), else the end. */
export async function offsetsForTime(options: ConnectionOptions, topic: string, timestamp: number): Promise<Map<number, bigint>> {
  const offsets = await withAdmin(options, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestamp), topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
}

/** Topics whose name starts with "__" are Kafka's own (__consumer_offsets, __transaction_state). */
export const isInternalTopic = (name: string) => name.startsWith('__');

/** Every topic's name, internal ones left out. */
export async function listTopicNames(options: ConnectionOptions): Promise<string[]> {
  return (await allTopicNames(options)).filter((n) => !isInternalTopic(n));
}

export async function deleteGroup(options: ConnectionOptions, groupId: string): Promise<void> {
  await withAdmin(options, (admin) => admin.deleteGroups([groupId]));
}

// ---- ktopics and kgroups (issue 5) ----

export interface PartitionMeta {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

/** Partition metadata of the named topics, or of every topic (internal ones included) when names is omitted. */
export async function fetchTopics(options: ConnectionOptions, names?: string[]): Promise<Array<{ name: string; partitions: PartitionMeta[] }>> {
  // A partition without a leader is a state to show (leader -1), not a failure of the whole answer.
  const meta = await withAdmin(options, (admin) => admin.fetchTopicMetadata(names ? { topics: names } : undefined), names?.join(','));
  return meta.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas ?? [] }))
      .sort((a, b) => a.partition - b.partition),
  }));
}

export interface ConfigValue {
  name: string;
  /** null for a sensitive value, which brokers never return. */
  value: string | null;
}

/** The configs set on the topic itself (source TOPIC_CONFIG): what differs from the broker's defaults. */
export async function topicConfigs(options: ConnectionOptions, topic: string): Promise<ConfigValue[]> {
  const res = await withAdmin(options, (admin) => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }), topic);
  const entries = res.resources[0]?.configEntries ?? [];
  return entries
    .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG)
    .map((e) => ({ name: e.configName, value: e.isSensitive ? null : e.configValue }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Sets a topic's configs to exactly this set. kafkajs sends the non-incremental AlterConfigs request, which replaces every
 * config set on the topic: callers merge with topicConfigs() first (KIP-339 describes the incremental API kafkajs lacks).
 */
export async function replaceTopicConfigs(options: ConnectionOptions, topic: string, configs: Record<string, string>): Promise<void> {
  const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
  await withAdmin(options, (admin) => admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries }] }), topic);
}

/** Grows a topic to `count` partitions (Kafka cannot shrink one). */
export async function addPartitions(options: ConnectionOptions, topic: string, count: number): Promise<void> {
  await withAdmin(options, (admin) => admin.createPartitions({ timeout: options.timeoutMs, topicPartitions: [{ topic, count }] }), topic);
}

export async function deleteTopics(options: ConnectionOptions, topics: string[]): Promise<void> {
  await withAdmin(options, (admin) => admin.deleteTopics({ topics, timeout: options.timeoutMs }), topics.join(','));
}

/** Every group id the brokers know, with its protocol type ("consumer" for consumer groups). */
export async function listGroupIds(options: ConnectionOptions): Promise<Array<{ groupId: string; protocolType: string }>> {
  const { groups } = await withAdmin(options, (admin) => admin.listGroups());
  return groups.map(({ groupId, protocolType }) => ({ groupId, protocolType })).sort((a, b) => a.groupId.localeCompare(b.groupId));
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** topic -> partitions this member was assigned; empty for a group that is not a consumer group. */
  assignment: Record<string, number[]>;
}

export interface GroupInfo {
  groupId: string;
  /** Kafka's state: Stable, Empty, PreparingRebalance, CompletingRebalance, or Dead (the coordinator has no such group). */
  state: string;
  protocolType: string;
  /** The assignor the members agreed on (e.g. RoundRobinAssigner); empty when there are no members. */
  protocol: string;
  members: GroupMember[];
}

function decodeAssignment(buffer: Buffer, protocolType: string): Record<string, number[]> {
  if (protocolType !== 'consumer' || buffer.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? {};
  } catch {
    return {};
  }
}

export async function describeGroups(options: ConnectionOptions, groupIds: string[]): Promise<GroupInfo[]> {
  if (groupIds.length === 0) return [];
  const { groups } = await withAdmin(options, (admin) => admin.describeGroups(groupIds));
  return groups.map((g) => ({
    groupId: g.groupId,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    members: g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment: decodeAssignment(m.memberAssignment, g.protocolType) })),
  }));
}

/** A group's committed offsets on the given topics: one entry per partition, -1 where nothing is committed. */
export async function groupOffsets(options: ConnectionOptions, groupId: string, topics: string[]): Promise<Array<{ topic: string; partition: number; offset: bigint }>> {
  if (topics.length === 0) return [];
  const result = await withAdmin(options, (admin) => admin.fetchOffsets({ groupId, topics }), topics.join(','));
  return result.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) })));
}

/**
 * Every committed offset of a group, on whatever topics (OffsetFetch v3+ with no topics means all of them), so no topic
 * is missed because a broker's metadata has not caught up with it yet.
 */
export async function allGroupOffsets(options: ConnectionOptions, groupId: string): Promise<Array<{ topic: string; partition: number; offset: bigint }>> {
  const result = await withAdmin(options, (admin) => admin.fetchOffsets({ groupId }));
  return result.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) })));
}

/** Commits these offsets for a group that has no running member (kafkajs joins the group briefly to commit them). */
export async function setGroupOffsets(options: ConnectionOptions, groupId: string, topic: string, partitions: Array<{ partition: number; offset: bigint }>): Promise<void> {
  await withAdmin(options, (admin) => admin.setOffsets({ groupId, topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: p.offset.toString() })) }), topic);
}

/** Deletes groups; each result carries the broker's error type (e.g. NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND) when that one failed. */
export async function deleteGroups(options: ConnectionOptions, groupIds: string[]): Promise<Array<{ groupId: string; error?: string }>> {
  return withAdmin(options, async (admin) => {
    try {
      await admin.deleteGroups(groupIds);
      return groupIds.map((groupId) => ({ groupId }));
    } catch (e) {
      // KafkaJSDeleteGroupsError lists the groups that failed, each with the broker's error; the others were deleted.
      type Failed = { groups?: Array<{ groupId: string; error?: { type?: string } }>; cause?: unknown; originalError?: unknown };
      let x = e as Failed | undefined;
      for (let i = 0; x && !x.groups && i < 5; i += 1) x = (x.cause ?? x.originalError) as Failed | undefined;
      const failed = x?.groups;
      if (!failed) throw e;
      return groupIds.map((groupId) => {
        const f = failed.find((g) => g.groupId === groupId);
        return f ? { groupId, error: f.error?.type ?? 'UNKNOWN_SERVER_ERROR' } : { groupId };
      });
    }
  });
}

/** Every topic's name, internal ones included. */
export async function allTopicNames(options: ConnectionOptions): Promise<string[]> {
  return (await withAdmin(options, (admin) => admin.listTopics())).sort();
}
