// The only file that imports kafkajs: client factory, a logger that writes to stderr, and small cluster queries.
import { AssignerProtocol, CompressionTypes, Kafka, Partitioners, logLevel, type Admin, type IHeaders, type PartitionAssigner, type KafkaConfig, type LogEntry, type Message, type logCreator } from 'kafkajs';
import type { Writable } from 'node:stream';
import { registerCodecs } from './codecs.js';
import { EXIT, KtoolError } from './errors.js';

export interface ConnectionOptions {
  brokers: string[];
  clientId?: string;
  /** Upper bound for connecting and for each wait on the cluster. */
  timeoutMs: number;
  /** kafkajs logs on stderr (never stdout) when set. */
  debug?: boolean;
  stderr?: Writable;
}

/** kafkajs's default logger writes to stdout; ours writes JSON-ish lines to stderr. */
function stderrLogger(stream: Writable): logCreator {
  const names: Record<number, string> = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    stream.write(`[kafkajs ${names[entry.level]}] ${entry.namespace}: ${message} ${JSON.stringify(rest)}\n`);
  };
}

export function createKafka(options: ConnectionOptions): Kafka {
  registerCodecs();
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'ktool',
    brokers: options.brokers,
    connectionTimeout: Math.min(options.timeoutMs, 5_000),
    requestTimeout: Math.max(options.timeoutMs, 5_000),
    // Retries end well inside the timeout; withDeadline bounds the whole wait anyway.
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: Math.max(500, Math.floor(options.timeoutMs / 4)) },
    logLevel: options.debug ? logLevel.INFO : logLevel.NOTHING,
    logCreator: stderrLogger(options.stderr ?? process.stderr),
  };
  return new Kafka(config);
}

/** Rejects with the error made by onTimeout if the promise has not settled in ms. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function unreachable(brokers: string[], timeoutMs: number, cause?: unknown): KtoolError {
  return new KtoolError('BROKER_UNREACHABLE', `could not reach Kafka at ${brokers.join(',')} within ${timeoutMs} ms`, {
    exitCode: EXIT.unreachable,
    hint: 'is a broker running? start one with `npx kstack up`, or point -b/--brokers (or KAFKA_BROKERS) at yours; --timeout MS waits longer',
    cause,
  });
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

/**
 * How long an admin call retries errors Kafka marks retriable. Brokers learn of a new topic asynchronously
 * (KRaft metadata propagation), so one that lags answers UNKNOWN_TOPIC_OR_PARTITION for a moment after creation.
 */
export const PROPAGATION_WINDOW_MS = 3_000;

/** Calls fn again while it fails with an error Kafka marks retriable, until the given time. */
async function retryRetriable<T>(fn: () => Promise<T>, until: number): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable !== true || Date.now() >= until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Runs fn with a connected admin client, bounded by the timeout, errors mapped, always disconnected. */
async function withAdmin<T>(options: ConnectionOptions, fn: (admin: Admin) => Promise<T>, topic?: string): Promise<T> {
  const admin = createKafka(options).admin();
  const end = Date.now() + options.timeoutMs;
  const retryUntil = Date.now() + Math.min(options.timeoutMs, PROPAGATION_WINDOW_MS);
  const left = () => Math.max(1, end - Date.now());
  const timedOut = () => unreachable(options.brokers, options.timeoutMs);
  try {
    await withDeadline(admin.connect(), left(), timedOut);
    return await retryRetriable(() => withDeadline(fn(admin), left(), timedOut), retryUntil);
  } catch (e) {
    throw mapKafkaError(e, options, topic);
  } finally {
    await admin.disconnect().catch(() => {});
  }
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

// ---- producing -------------------------------------------------------------

export type Acks = -1 | 0 | 1;

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
const COMPRESSION_TYPE: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export interface OutRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  /** In order; a name may repeat. */
  headers?: Array<[string, Buffer | null]>;
  /** CreateTime in ms since the epoch; the broker's clock when absent. */
  timestamp?: string;
}

export interface Delivery {
  topic: string;
  partition: number;
  /** The offset the broker assigned; null with acks=0, which returns none. */
  offset: string | null;
}

export interface RecordProducer {
  /** Sends records to one topic and resolves with one Delivery per record, in input order, after the acks. */
  send(topic: string, records: OutRecord[]): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** kafkajs wants headers as an object; a repeated name becomes an array, which it writes as repeated headers. */
function headerObject(list: Array<[string, Buffer | null]>): IHeaders {
  const h: Record<string, Array<Buffer | string>> = {};
  // kafkajs cannot write a null header value; an empty one is the closest it can send.
  for (const [k, v] of list) (h[k] ??= []).push(v ?? Buffer.alloc(0));
  return Object.fromEntries(Object.entries(h).map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs])) as IHeaders;
}

/** A producer that knows each record's partition (our partitioner wrapper records kafkajs's choice). */
export async function openProducer(options: ConnectionOptions & { acks: Acks; compression?: Compression }): Promise<RecordProducer> {
  const chosen = new WeakMap<object, number>();
  const idempotent = options.acks === -1;
  const producer = createKafka(options).producer({
    idempotent,
    // kafkajs keeps ordering under retries only with one request in flight when idempotent.
    ...(idempotent ? { maxInFlightRequests: 1 } : {}),
    createPartitioner: () => {
      // The Java client's murmur2 partitioner: same key, same partition as Kafka's own tools.
      const inner = Partitioners.DefaultPartitioner();
      return (args) => {
        const p = inner(args);
        chosen.set(args.message, p);
        return p;
      };
    },
  });
  await withDeadline(producer.connect(), options.timeoutMs, () => unreachable(options.brokers, options.timeoutMs));
  return {
    async send(topic, records) {
      const messages: Message[] = records.map((r) => ({
        key: r.key,
        value: r.value,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.headers ? { headers: headerObject(r.headers) } : {}),
        ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
      }));
      const meta = await producer.send({ topic, messages, acks: options.acks, compression: COMPRESSION_TYPE[options.compression ?? 'none'] });
      const next = new Map<number, bigint>();
      for (const m of meta) {
        const base = m.baseOffset ?? m.offset;
        if (base !== undefined && base !== '-1') next.set(m.partition, BigInt(base));
      }
      return messages.map((m) => {
        const partition = m.partition ?? chosen.get(m) ?? -1;
        const offset = next.get(partition);
        if (offset === undefined) return { topic, partition, offset: null };
        next.set(partition, offset + 1n);
        return { topic, partition, offset: offset.toString() };
      });
    },
    close: () => producer.disconnect(),
  };
}

// ---- consuming -------------------------------------------------------------

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
  /**
   * Called for each record; returns false to stop (no further record is handed over, and this one's offset is
   * committed). May return a promise (e.g. waiting for stdout to drain): fetching pauses until it settles.
   */
  onRecord(record: InRecord): boolean | Promise<boolean>;
  /** The partitions this member owns after each (re)balance; returns the seeks to make before fetching. */
  onAssigned(assignment: Record<string, number[]>): Seek[] | void;
  /** The consumer died and kafkajs will not restart it. */
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

export async function openConsumer(options: ConsumerOptions, handlers: ConsumerHandlers): Promise<RecordConsumer> {
  const consumer = createKafka(options).consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
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
    if (!e.payload.restart) handlers.onCrash(e.payload.error);
  });
  const deadline = () => unreachable(options.brokers, options.timeoutMs);
  try {
    await withDeadline(consumer.connect(), options.timeoutMs, deadline);
    // kafkajs retries only LEADER_NOT_AVAILABLE here; a broker that has not yet learned of a new topic says UNKNOWN_TOPIC.
    const retryUntil = Date.now() + Math.min(options.timeoutMs, PROPAGATION_WINDOW_MS);
    await retryRetriable(() => withDeadline(consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning }), options.timeoutMs, deadline), retryUntil);
  } catch (e) {
    await consumer.disconnect().catch(() => {});
    throw mapKafkaError(e, options, options.topics.join(','));
  }
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Array<[string, Buffer | null]> = [];
      for (const [k, v] of Object.entries(message.headers ?? {})) {
        for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one === undefined ? null : Buffer.isBuffer(one) ? one : Buffer.from(one)]);
      }
      const result = handlers.onRecord({ topic, partition, offset: message.offset, timestamp: message.timestamp, key: message.key, value: message.value, headers });
      const more = typeof result === 'boolean' ? result : await result;
      // Called before returning so kafkajs's loop sees it before the next record; not awaited (it waits for this batch).
      if (!more) void consumer.stop();
    },
  });
  return { stop: () => consumer.stop(), close: () => consumer.disconnect() };
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

/** Maps kafkajs errors by class name and protocol error type (never by message text) to KtoolErrors. */
export function mapKafkaError(error: unknown, options: ConnectionOptions, topic?: string): KtoolError {
  if (error instanceof KtoolError) return error;
  type Link = { name?: string; type?: string; topic?: string; cause?: unknown; originalError?: unknown; message?: string };
  const e = error as Link;
  // kafkajs wraps the broker's error once per retry layer (KafkaJSNumberOfRetriesExceeded, possibly nested): walk down to it.
  const chain: Link[] = [];
  for (let x: unknown = error; x !== null && typeof x === 'object' && !chain.includes(x as Link) && chain.length < 10; ) {
    chain.push(x as Link);
    x = (x as Link).cause ?? (x as Link).originalError;
  }
  const type = chain.find((x) => typeof x.type === 'string')?.type;
  const notLoaded = chain.find((x) => x.name === 'KafkaJSTopicMetadataNotLoaded');
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || notLoaded) {
    const name = topic ?? notLoaded?.topic;
    const example = name && !name.includes(',') ? name : 'NAME';
    return new KtoolError('UNKNOWN_TOPIC', `topic ${name ? `"${name}" ` : ''}does not exist`, {
      exitCode: EXIT.failed,
      hint:
        'check the name (a typo?), or create the topic first: the broker does not auto-create it (auto.create.topics.enable=false; consumers never ask). ' +
        `Create it with \`kafka-topics.sh --bootstrap-server ${options.brokers.join(',')} --create --topic ${example}\`; ` +
        'with kstack, `kstack up --config auto.create.topics.enable=true` (the default) lets producers create topics',
      cause: error,
    });
  }
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
    return new KtoolError('MESSAGE_TOO_LARGE', 'the broker refused a record as too large', {
      hint: 'raise the topic\'s max.message.bytes (and the broker\'s message.max.bytes), or send smaller records',
      cause: error,
    });
  }
  if (type?.endsWith('_AUTHORIZATION_FAILED')) {
    return new KtoolError('NOT_AUTHORIZED', `not authorized (${type})`, { hint: 'ask for the ACL this operation needs', cause: error });
  }
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSBrokerNotFound' || e.name === 'KafkaJSConnectionClosedError') {
    return unreachable(options.brokers, options.timeoutMs, error);
  }
  return new KtoolError('KAFKA_ERROR', `Kafka said: ${e.message ?? String(error)}`, { cause: error });
}
