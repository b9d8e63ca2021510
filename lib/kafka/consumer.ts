// Consuming: a kafkajs group consumer with seeks on assignment, a chosen-partitions assigner and backpressure.
import './patches.js'; // first: replaces two kafkajs producer internals before kafkajs loads them
import { commitStartPositions } from './start-positions.js';
import { AssignerProtocol, type KafkaMessage, type PartitionAssigner } from 'kafkajs';
import { createKafka, mapKafkaError, PROPAGATION_WINDOW_MS, retryRetriable, unreachable, withDeadline, type ConnectionOptions } from './client.js';
import { allTopicNames } from './admin.js';
import { EXIT, KtoolError } from '../errors.js';
import { RecordCursor } from './fetched.js';
import type { PackedBatch } from './batch.js';

export interface InRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  /** In the order the record carries them; a name may repeat. */
  headers: Array<[string, Buffer | null]>;
}

/** Where to start reading one partition: an offset the consumer seeks to before its first fetch. */
export interface Seek {
  topic: string;
  partition: number;
  offset: string;
}

export interface ConsumerHandlers {
  /** Called for each record; returns false to stop (no further record is handed over, and this one's offset is committed). */
  onRecord(record: InRecord): boolean;
  /**
   * With it, records fetched packed (lib/kafka/fetched.ts: all but transactions' and old formats') are handed over as
   * their value's span instead: buf[start, end), end -1 for a null value; the offset as a Number. No object per record
   * (kconsume --raw). Returns false to stop, as onRecord.
   */
  onValue?(topic: string, partition: number, buf: Buffer, start: number, end: number, offset: number): boolean;
  /**
   * Called after each fetched batch's records, before their offsets are committed (e.g. to flush output). May return
   * a promise (e.g. waiting for stdout to drain): fetching pauses until it settles. false: the records handed over did
   * not reach their reader (stdout closed), so their offsets are not committed.
   */
  onBatchEnd?(): boolean | void | Promise<boolean | void>;
  /** The partitions this member owns after each (re)balance; returns the seeks to make before fetching. */
  onAssigned(assignment: Record<string, number[]>): Seek[] | void;
  /** The consumer died and kafkajs will not restart it (a KtoolError when a subscribed topic was deleted). */
  onCrash(error: Error): void;
}

export interface RecordConsumer {
  /** Stops fetching; the offsets of records already handed to onRecord are committed first. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions extends ConnectionOptions {
  groupId: string;
  topics: string[];
  /** Where a partition without a committed offset starts: earliest (true) or latest. */
  fromBeginning: boolean;
  /** Read only these partitions of each topic (the group must have no other member: a throwaway group). */
  partitions?: number[];
}

/** An assigner that gives the chosen partitions of every subscribed topic to the first member. */
function chosenPartitions(wanted: number[]): PartitionAssigner {
  const name = 'KtoolChosenPartitions';
  return ({ cluster }) => ({
    name,
    version: 0,
    async assign({ members, topics }) {
      const assignment: Record<string, number[]> = {};
      for (const topic of topics) {
        const have = new Set(cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId));
        const mine = wanted.filter((p) => have.has(p));
        if (mine.length > 0) assignment[topic] = mine;
      }
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: i === 0 ? assignment : {}, userData: Buffer.alloc(0) }),
      }));
    },
    protocol: ({ topics }) => ({ name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
  });
}

const NO_HEADERS: Array<[string, Buffer | null]> = [];

/** kafkajs's header object (a repeated name holds an array) as an ordered list. */
function headerList(h: Record<string, Buffer | string | Array<Buffer | string> | undefined> | undefined): Array<[string, Buffer | null]> {
  let list: Array<[string, Buffer | null]> | undefined;
  for (const k in h) {
    const v = h[k];
    list ??= [];
    for (const one of Array.isArray(v) ? v : [v]) list.push([k, one === undefined ? null : Buffer.isBuffer(one) ? one : Buffer.from(one)]);
  }
  return list ?? NO_HEADERS;
}

/** Where a batch's handing over ended: the last record handed over, and whether a handler asked to stop. */
interface HandedOver {
  offset: string | undefined;
  stop: boolean;
}

/** kafkajs's eachBatch checks: whether the consumer still runs, and whether a seek for this partition is pending. */
interface Live {
  isRunning(): boolean;
  isStale(): boolean;
}

/** Hands a batch's records to onRecord, from kafkajs's record objects (transactions, old formats). */
function recordObjects(topic: string, partition: number, messages: KafkaMessage[], handlers: ConsumerHandlers, live: Live): HandedOver {
  let offset: string | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    // Stopped, or a seek for this partition is pending (the rest of this batch is from the old position).
    // isStale() costs a string key per call, so it is asked every 256 records (seeks come with rebalances, between batches).
    if (!live.isRunning() || ((i & 255) === 0 && live.isStale())) break;
    const more = handlers.onRecord({ topic, partition, offset: message.offset, timestamp: message.timestamp, key: message.key, value: message.value, headers: headerList(message.headers) });
    offset = message.offset;
    if (!more) return { offset, stop: true };
  }
  return { offset, stop: false };
}

/** Hands a packed batch's records over (fetched.ts): as value spans to onValue when given, else as InRecords to onRecord. */
function packedRecords(topic: string, partition: number, packed: PackedBatch, handlers: ConsumerHandlers, live: Live): HandedOver {
  const cursor = new RecordCursor(packed.fetch.runs);
  for (let i = 0; i < packed.skip; i++) cursor.next();
  const onValue = handlers.onValue;
  let offset = -1;
  for (let i = 0; cursor.next(); i++) {
    if (!live.isRunning() || ((i & 255) === 0 && live.isStale())) break;
    const c = cursor;
    const more = onValue
      ? onValue(topic, partition, c.buf, c.valueStart, c.valueEnd, c.offset)
      : handlers.onRecord({
          topic,
          partition,
          offset: String(c.offset),
          timestamp: String(c.timestamp),
          key: c.keyEnd < 0 ? null : c.buf.subarray(c.keyStart, c.keyEnd),
          value: c.valueEnd < 0 ? null : c.buf.subarray(c.valueStart, c.valueEnd),
          headers: c.headerCount === 0 ? NO_HEADERS : c.headers(),
        });
    offset = c.offset;
    if (!more) return { offset: String(offset), stop: true };
  }
  return { offset: offset < 0 ? undefined : String(offset), stop: false };
}

/** The innermost error kafkajs wrapped (KafkaJSNumberOfRetriesExceeded and friends carry the broker's in `cause`). */
function rootCause(e: unknown): { type?: string } {
  let x = e as { cause?: unknown; type?: string };
  for (let i = 0; x?.cause && i < 10; i++) x = x.cause as typeof x;
  return x ?? {};
}

/** How long after a topic is first found missing it is looked for again, before kconsume calls it deleted. */
const CONFIRM_DELETED_MS = 2_000;

export function topicDeleted(topics: string[]): KtoolError {
  const names = topics.map((t) => `"${t}"`).join(', ');
  return new KtoolError('TOPIC_DELETED', `topic ${names} was deleted while it was being read`, {
    exitCode: EXIT.failed,
    hint: `\`ktopics list\` shows the topics there are; once it is created again, read it again (the group's offsets on it went with it)`,
  });
}

export async function openConsumer(options: ConsumerOptions, handlers: ConsumerHandlers): Promise<RecordConsumer> {
  let deleted: string[] = [];
  // Like the Java consumer, a member commits its position on every partition it owns, printed from or not.
  const unregister = commitStartPositions(options.groupId);
  const consumer = createKafka(options).consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // kafkajs restarts a consumer whose topic was deleted every 100 ms, forever (and leaks a socket listener each
    // time). Before a restart after "unknown topic", ask the cluster: if a subscribed topic is gone, stop with that.
    retry: {
      retries: 5,
      restartOnFailure: async (e: Error) => {
        if (rootCause(e).type !== 'UNKNOWN_TOPIC_OR_PARTITION') return true;
        // Missing twice, a moment apart: a broker that has just restarted may list no topics yet (unreachable: restart).
        const missing = async () => {
          const there = await allTopicNames(options).catch(() => undefined);
          return there ? options.topics.filter((t) => !there.includes(t)) : [];
        };
        deleted = await missing();
        if (deleted.length > 0) {
          await new Promise((r) => setTimeout(r, CONFIRM_DELETED_MS));
          const still = await missing();
          deleted = deleted.filter((t) => still.includes(t));
        }
        return deleted.length === 0;
      },
    },
    // A fetch on an idle partition waits this long at the broker, and stop() waits for that fetch;
    // kafkajs's 5 s default made every exit slow. 500 ms is librdkafka's (kcat's) default.
    maxWaitTimeInMs: 500,
    ...(options.partitions ? { partitionAssigners: [chosenPartitions(options.partitions)] } : {}),
  });
  // Emitted inside run(), after the assignment and before the first fetch, so the seeks apply to it.
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    for (const s of handlers.onAssigned(e.payload.memberAssignment) ?? []) consumer.seek(s);
  });
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) handlers.onCrash(deleted.length > 0 ? topicDeleted(deleted) : e.payload.error);
  });
  const deadline = () => unreachable(options.brokers, options.timeoutMs);
  try {
    await withDeadline(consumer.connect(), options.timeoutMs, deadline);
    // kafkajs retries only LEADER_NOT_AVAILABLE here; a broker that has not yet learned of a new topic says UNKNOWN_TOPIC.
    const retryUntil = Date.now() + Math.min(options.timeoutMs, PROPAGATION_WINDOW_MS);
    await retryRetriable(() => withDeadline(consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning }), options.timeoutMs, deadline), retryUntil);
  } catch (e) {
    await consumer.disconnect().catch(() => {});
    unregister();
    throw mapKafkaError(e, options, options.topics.join(','));
  }
  await consumer.run({
    // eachBatch, not eachMessage: kafkajs's per-message path resolves, heartbeats and checks commits for every record.
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const { topic, partition } = batch;
      const packed = (batch as { packed?: PackedBatch }).packed;
      const live = { isRunning, isStale };
      const last = packed ? packedRecords(topic, partition, packed, handlers, live) : recordObjects(topic, partition, batch.messages, handlers, live);
      // onValue copies each value out: nothing reads the fetched bytes any more (records handed as objects may be kept).
      if (packed && handlers.onValue) packed.fetch.release();
      // Called before returning so kafkajs's loop sees it before the next batch; not awaited (it waits for this batch).
      if (last.stop) void consumer.stop();
      const delivered = (await handlers.onBatchEnd?.()) !== false;
      // kafkajs commits the resolved offset when this returns: only records handed over (and flushed) count.
      if (last.offset !== undefined && delivered) resolveOffset(last.offset);
      await heartbeat();
    },
  });
  return { stop: () => consumer.stop(), close: () => consumer.disconnect().finally(unregister) };
}
