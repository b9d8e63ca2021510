// Producing: a kafkajs producer that reports each record's partition and offset after the ack.
import { withOfflinePartitions } from './patches.js'; // first: replaces kafkajs internals before kafkajs loads them
import { CompressionTypes, type Message } from 'kafkajs';
import { javaPartitioner } from './partitioner.js';
import { throwOnRefusal, toMessage } from './messages.js';
import type { Compression } from './compressions.js';
import { EXIT, KtoolError } from '../errors.js';
import { createKafka, unreachable, withDeadline, type ConnectionOptions } from './client.js';
import { noProducerId } from './deadline.js';
import { PackedRecords, PartitionRecords } from './packed.js';
import { Lanes, MAX_IN_FLIGHT } from './lanes.js';

export type Acks = -1 | 0 | 1;

export { COMPRESSIONS, type Compression } from './compressions.js';
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

/** A record the broker refused for good (MESSAGE_TOO_LARGE, INVALID_RECORD...): nothing of it was stored. */
export interface Refusal {
  /** Its position in the records given to sendEach, from 0. */
  index: number;
  partition: number;
  /** The broker's error, as kafkajs gives it (map it with mapKafkaError). */
  error: unknown;
}

export interface SendResult {
  /** One per record, in input order, if the producer tracks deliveries (refused ones with a null offset); else empty. */
  deliveries: Delivery[];
  /** The records refused for good, in input order; every other record was acknowledged. */
  refused: Refusal[];
}

export interface RecordProducer {
  /**
   * Sends records to one topic and resolves after the acks: with one Delivery per record, in input order, if the
   * producer was opened with `deliveries: true`; with an empty list otherwise. Throws if the broker refused any record.
   */
  send(topic: string, records: OutRecord[]): Promise<Delivery[]>;
  /**
   * Like send, but a record the broker refuses for good is its own failure: the others of the batch are still delivered.
   * A partition's batch refused as too large is sent again in halves (halved again while too large), so only records
   * over the limit fail.
   * Throws for failures of the whole send (unreachable, timed out); the error's `settled` lists partitions stored anyway.
   */
  sendEach(topic: string, records: OutRecord[]): Promise<SendResult>;
  /**
   * sendEach for packed records (lib/kafka/packed.ts: plain lines, no object per record), on a producer opened without
   * `deliveries`: the result's deliveries are empty. Absent where the producer cannot send them (the one-shot path).
   */
  sendPacked?(topic: string, records: PackedRecords): Promise<SendResult>;
  close(): Promise<void>;
}

/** Kafka's errors for a batch over the broker's or topic's size limits: worth splitting (KIP-126 has the Java producer split). */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * kafkajs retry settings whose backoffs (100 ms doubling, capped at a quarter of the budget, ±20% jitter) add up to at
 * most 70% of the budget: a failover is ridden out, and an error that persists surfaces before the caller's deadline.
 */
export function retryBudget(budgetMs: number): { retries: number; initialRetryTime: number; maxRetryTime: number } {
  const maxRetryTime = Math.max(200, Math.floor(budgetMs / 4));
  let retries = 0;
  for (let wait = 100, total = 0; (total + Math.min(wait, maxRetryTime)) * 1.2 <= budgetMs * 0.7; wait *= 2) {
    total += Math.min(wait, maxRetryTime);
    retries += 1;
  }
  return { retries, initialRetryTime: 100, maxRetryTime };
}

export interface ProducerOptions extends ConnectionOptions {
  acks: Acks;
  compression?: Compression;
  /** Track each record's partition and offset (for per-record reports); costs a little per record. */
  deliveries?: boolean;
  /** The retry budget of one send: retries continue (backing off up to a quarter of it) until it is spent. */
  deliveryTimeoutMs?: number;
}

/** A producer that can tell each record's partition (our partitioner wrapper records kafkajs's choice). */
export async function openProducer(options: ProducerOptions): Promise<RecordProducer> {
  const chosen = new WeakMap<object, number>();
  let cluster: ClusterView | undefined;
  const track = options.deliveries ?? true;
  const idempotent = options.acks === -1;
  const producer = createKafka(options).producer({
    idempotent,
    // Enough retries to outlast a leader failover (fencing takes ~9 s); the caller's deadline bounds the whole send.
    ...(options.deliveryTimeoutMs ? { retry: retryBudget(options.deliveryTimeoutMs) } : {}),
    // Kafka's limit for an idempotent producer. Sends of objects still go one at a time per broker (kafkajs's broker
    // lock, held until the answer); keyless packed sends go to disjoint partitions (lanes.ts), at most 5 at once.
    ...(idempotent ? { maxInFlightRequests: MAX_IN_FLIGHT } : {}),
    createPartitioner: () => {
      // The Java client's murmur2 partitioner: same key, same partition as Kafka's own tools.
      const inner = javaPartitioner();
      // send-messages.ts hands over kafkajs's cluster: the lanes are made from its metadata.
      Object.assign(inner, { attach: (c: ClusterView) => void (cluster = c) });
      if (!track) return inner;
      return (args) => {
        const p = inner(args);
        chosen.set(args.message, p);
        return p;
      };
    },
  });
  // kafkajs connects to the cluster, then (idempotent) asks for a producer id: a timeout after the first step is no
  // unreachable broker. KRaft brokers hand out producer ids from blocks the controller quorum allocates.
  let reached = false;
  producer.on(producer.events.CONNECT, () => void (reached = true));
  // Connecting reads every topic's metadata: a partition without a leader in another topic must not stop this one.
  await withOfflinePartitions(() => withDeadline(producer.connect(), options.timeoutMs, () => (reached ? noProducerId(options.brokers, options.timeoutMs) : unreachable(options.brokers, options.timeoutMs)))).catch((e) => {
    throw reached && !(e instanceof KtoolError) ? noProducerId(options.brokers, options.timeoutMs, e) : e;
  });
  const compression = COMPRESSION_TYPE[options.compression ?? 'none'];
  /** Partition answers as send-messages.ts gives them: a base offset, or an error and the records it refused. */
  type Answer = { partition: number; baseOffset?: string; offset?: string; error?: { type?: string }; messages?: Message[] | PartitionRecords };
  const send = async (topic: string, messages: Message[] | PackedRecords) => {
    const meta = (await producer.send({ topic, messages: messages as Message[], acks: options.acks, compression })) as unknown as Answer[];
    const next = new Map<number, bigint>();
    // Records of refused partitions (by their place in the send): their error, or their own offset once sent again.
    const refusedBy = new Map<number, { partition: number; error: unknown }>();
    const resent = new Map<number, string | null>();
    /** Sends a refused batch's records again in halves, and those refused as too large in halves again: each record's fate is its own. */
    const halves = async (partition: number, held: Array<[number, Message]>): Promise<void> => {
      const middle = Math.ceil(held.length / 2);
      for (const part of [held.slice(0, middle), held.slice(middle)]) {
        if (part.length === 0) continue;
        // Same partition as chosen, in input order.
        const [one] = (await producer.send({ topic, messages: part.map(([, msg]) => ({ ...msg, partition })), acks: options.acks, compression })) as unknown as Answer[];
        if (one?.error && TOO_LARGE.has(one.error.type ?? '') && part.length > 1) await halves(partition, part);
        else if (one?.error) for (const [index] of part) refusedBy.set(index, { partition, error: one.error });
        else {
          const base = one?.baseOffset ?? one?.offset;
          part.forEach(([index], k) => resent.set(index, base === undefined || base === '-1' ? null : String(BigInt(base) + BigInt(k))));
        }
      }
    };
    for (const m of meta) {
      if (m.error) {
        const held = placed(messages, m.messages);
        if (TOO_LARGE.has(m.error.type ?? '') && held.length > 1) await halves(m.partition, held);
        else for (const [index] of held) refusedBy.set(index, { partition: m.partition, error: m.error });
        continue;
      }
      const base = m.baseOffset ?? m.offset;
      if (base !== undefined && base !== '-1') next.set(m.partition, BigInt(base));
    }
    const refused: Refusal[] = [...refusedBy.keys()].sort((a, b) => a - b).map((index) => ({ index, ...refusedBy.get(index)! }));
    return { next, refusedBy, resent, refused };
  };
  /** Per topic: the lanes of its keyless sends, once its first send has loaded its metadata. */
  const lanes = new Map<string, Promise<Lanes>>();
  /** Keyed sends (one partition for them all) one at a time, so that they keep their order. */
  let keyed: Promise<unknown> = Promise.resolve();
  const sendPacked = async (topic: string, records: PackedRecords): Promise<SendResult> => {
    if (track) throw new TypeError('sendPacked: a producer opened with deliveries reports each record; give it OutRecords');
    const refusals = async () => ({ deliveries: [], refused: (await send(topic, records)).refused });
    if (records.key !== null) {
      const turn = keyed.then(refusals);
      keyed = turn.catch(() => {});
      return turn;
    }
    const ready = lanes.get(topic);
    if (!ready) {
      // The first keyless send goes resent, spread round-robin: it loads the topic's metadata (the broker may create the
      // topic), from which the lanes are made; the sends behind it wait for them.
      let open!: (l: Lanes) => void;
      lanes.set(topic, new Promise((resolve) => (open = resolve)));
      try {
        return await refusals();
      } finally {
        open(lanesOf(cluster, topic));
      }
    }
    const pool = await ready;
    const partition = await pool.acquire();
    try {
      records.partition = partition >= 0 ? partition : undefined;
      return await refusals();
    } finally {
      pool.release(partition);
    }
  };
  const sendEach = async (topic: string, records: OutRecord[]): Promise<SendResult> => {
    const messages = records.map(toMessage);
    const { next, refusedBy, resent, refused } = await send(topic, messages);
    if (!track) return { deliveries: [], refused };
    const deliveries = messages.map((m, index): Delivery => {
      const no = refusedBy.get(index);
      if (no) return { topic, partition: no.partition, offset: null };
      const partition = m.partition ?? chosen.get(m) ?? -1;
      if (resent.has(index)) {
        const own = resent.get(index);
        return { topic, partition, offset: own === null || own === undefined || own === '-1' ? null : own };
      }
      const offset = next.get(partition);
      if (offset === undefined) return { topic, partition, offset: null };
      next.set(partition, offset + 1n);
      return { topic, partition, offset: offset.toString() };
    });
    return { deliveries, refused };
  };
  return {
    sendEach,
    sendPacked,
    send: throwOnRefusal(sendEach),
    close: () => producer.disconnect(),
  };
}

/** The records a refused partition held, with their places in the send, as messages. */
function placed(sent: Message[] | PackedRecords, held: Message[] | PartitionRecords | undefined): Array<[number, Message]> {
  if (!held) return [];
  if (held instanceof PartitionRecords) return held.indexes().map((i) => [i, held.source.at(i) as Message]);
  // Refusals are rare: the places are looked up only then.
  const places = new Map((sent as Message[]).map((m, i) => [m, i]));
  return held.map((m) => [places.get(m)!, m]);
}

/** What the lanes need of kafkajs's cluster: the topic's partitions and their leaders, as its metadata has them. */
export interface ClusterView {
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
}

/** Lanes over the topic's partitions, passing over those without a leader in the metadata as it is at each turn. */
function lanesOf(cluster: ClusterView | undefined, topic: string): Lanes {
  const listed = () => {
    try {
      return cluster?.findTopicPartitionMetadata(topic) ?? [];
    } catch {
      return []; // no metadata (the first send failed early)
    }
  };
  const partitions = listed().map((p) => p.partitionId).sort((a, b) => a - b);
  // None known: one lane, which sends round-robin as the first send did.
  if (partitions.length === 0) return new Lanes([-1]);
  return new Lanes(partitions, undefined, (p) => (listed().find((m) => m.partitionId === p)?.leader ?? -1) >= 0);
}
