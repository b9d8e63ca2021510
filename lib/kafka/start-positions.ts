// A member commits where it starts on every partition it is given. kafkajs 2.2.4 commits only offsets it was told
// to resolve, so a partition the member printed nothing from kept no committed offset: `kgroups describe` could not
// count its lag, and a later run of the group started it again from the end (latest), skipping what was produced while
// the group was stopped. The Java consumer commits its position on every assigned partition; so do we, once, when the
// partition is assigned. Installed on kafkajs's classes here (prototype methods, so load order does not matter), for
// the groups openConsumer registers: kafkajs's own internal consumers (admin.setOffsets) keep kafkajs's behaviour.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PATCHED_GROUP = {
  offsetManager: 'kafkajs/src/consumer/offsetManager/index.js',
  consumerGroup: 'kafkajs/src/consumer/consumerGroup.js',
} as const;

type Offsets = Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;

interface Coordinator {
  offsetFetch(request: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }): Promise<{ responses: Offsets }>;
  offsetCommit(request: { groupId: string; memberId: string; groupGenerationId: number; topics: Offsets }): Promise<unknown>;
}

/** The fields of kafkajs's OffsetManager (one per generation of the group) that resolveOffsets uses. */
interface OffsetManager {
  groupId: string;
  memberId: string;
  generationId: number;
  topics: string[];
  memberAssignment: Record<string, number[]>;
  topicConfigurations: Record<string, { fromBeginning: boolean }>;
  cluster: { fetchTopicsOffset(topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>): Promise<Offsets> };
  getCoordinator(): Promise<Coordinator>;
  committedOffsets(): Record<string, Record<number, string | undefined>>;
  resolveOffsets(skip?: (topic: string, partition: number) => boolean): Promise<void>;
}

interface ConsumerGroup {
  groupId: string;
  offsetManager: OffsetManager | null;
  seekOffset: { has(topic: string, partition: number): boolean };
  joinAndSync(): Promise<void>;
}

const Long = require('kafkajs/src/utils/long.js');
const isInvalidOffset: (offset: string | undefined) => boolean = require('kafkajs/src/consumer/offsetManager/isInvalidOffset.js');
const initializeConsumerOffsets: (consumer: Offsets, topic: Offsets) => Offsets = require('kafkajs/src/consumer/offsetManager/initializeConsumerOffsets.js');
const OffsetManagerClass: { prototype: OffsetManager } = require(PATCHED_GROUP.offsetManager);
const ConsumerGroupClass: { prototype: ConsumerGroup } = require(PATCHED_GROUP.consumerGroup);

/** Groups whose members commit their start positions, with how many of our consumers in this process use each. */
const registered = new Map<string, number>();

/** Makes this process's consumers of the group commit their start positions; the function returned undoes it. */
export function commitStartPositions(groupId: string): () => void {
  registered.set(groupId, (registered.get(groupId) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (registered.get(groupId) ?? 1) - 1;
    if (left > 0) registered.set(groupId, left);
    else registered.delete(groupId);
  };
}

const originalResolveOffsets = OffsetManagerClass.prototype.resolveOffsets;

/**
 * kafkajs's resolveOffsets (learn where each assigned partition starts: the group's committed offset, else the earliest
 * or latest offset), plus one change: a start taken from the earliest or latest offset is committed at once, in this
 * generation, so the group holds a committed offset for every partition it owns. `skip` leaves partitions out (those
 * with a pending seek: kafkajs commits the seek's offset instead).
 */
async function resolveOffsets(this: OffsetManager, skip?: (topic: string, partition: number) => boolean): Promise<void> {
  if (!registered.has(this.groupId)) return originalResolveOffsets.call(this);
  const committed = this.committedOffsets();
  const pending = this.topics
    .map((topic) => ({ topic, partitions: (this.memberAssignment[topic] ?? []).filter((p) => isInvalidOffset(committed[topic]?.[p]) && !skip?.(topic, p)).map((partition) => ({ partition })) }))
    .filter((t) => t.partitions.length > 0);
  if (pending.length === 0) return;
  const coordinator = await this.getCoordinator();
  const { responses } = await coordinator.offsetFetch({ groupId: this.groupId, topics: pending });
  const unresolved = responses
    .map(({ topic, partitions }) => ({ topic, partitions: partitions.filter((p) => isInvalidOffset(p.offset)).map(({ partition }) => ({ partition })), fromBeginning: this.topicConfigurations[topic]?.fromBeginning ?? false }))
    .filter((t) => t.partitions.length > 0);
  let offsets = responses;
  if (unresolved.length > 0) {
    offsets = initializeConsumerOffsets(responses, await this.cluster.fetchTopicsOffset(unresolved));
    const starts = offsets
      .map(({ topic, partitions }) => ({ topic, partitions: partitions.filter((p) => unresolved.some((u) => u.topic === topic && u.partitions.some((x) => x.partition === p.partition)) && !isInvalidOffset(p.offset)).map((p) => ({ partition: p.partition, offset: Long.fromValue(p.offset).toString() })) }))
      .filter((t) => t.partitions.length > 0);
    if (starts.length > 0) await coordinator.offsetCommit({ groupId: this.groupId, memberId: this.memberId, groupGenerationId: this.generationId, topics: starts });
  }
  for (const { topic, partitions } of offsets) {
    const byPartition = { ...committed[topic] };
    for (const { partition, offset } of partitions) byPartition[partition] = offset;
    committed[topic] = byPartition;
  }
}

const joinAndSync = ConsumerGroupClass.prototype.joinAndSync;

/**
 * After each join, the start positions are resolved and committed before fetching begins, so a member that stops
 * before its first fetch (`-e` with nothing to read) has committed them too. Best effort: if it fails, the first
 * fetch resolves them again, through the same resolveOffsets, and kafkajs's fetch loop handles the error.
 */
async function joinAndSyncCommittingStarts(this: ConsumerGroup): Promise<void> {
  await joinAndSync.call(this);
  if (registered.has(this.groupId)) await this.offsetManager?.resolveOffsets((topic, partition) => this.seekOffset.has(topic, partition)).catch(() => {});
}

OffsetManagerClass.prototype.resolveOffsets = resolveOffsets;
ConsumerGroupClass.prototype.joinAndSync = joinAndSyncCommittingStarts;

/** True once kafkajs's classes carry these methods (checked by test/unit/kafka/start-positions.test.ts). */
export const startPositionsInstalled = () => OffsetManagerClass.prototype.resolveOffsets === resolveOffsets && ConsumerGroupClass.prototype.joinAndSync === joinAndSyncCommittingStarts;
