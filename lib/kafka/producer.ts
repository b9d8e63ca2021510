// Producing: a kafkajs producer that reports each record's partition and offset after the ack.
import { withOfflinePartitions } from './patches.js'; // first: replaces kafkajs internals before kafkajs loads them
import { CompressionTypes, type Message } from 'kafkajs';
import { javaPartitioner } from './partitioner.js';
import { throwOnRefusal, toMessage } from './messages.js';
import type { Compression } from './compressions.js';
import { EXIT, KtoolError } from '../errors.js';
import { createKafka, unreachable, withDeadline, type ConnectionOptions } from './client.js';
import { noProducerId } from './deadline.js';

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
   * A partition's batch refused as too large is sent again record by record, so only records over the limit fail.
   * Throws for failures of the whole send (unreachable, timed out); the error's `settled` lists partitions stored anyway.
   */
  sendEach(topic: string, records: OutRecord[]): Promise<SendResult>;
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
  const track = options.deliveries ?? true;
  const idempotent = options.acks === -1;
  const producer = createKafka(options).producer({
    idempotent,
    // Enough retries to outlast a leader failover (fencing takes ~9 s); the caller's deadline bounds the whole send.
    ...(options.deliveryTimeoutMs ? { retry: retryBudget(options.deliveryTimeoutMs) } : {}),
    // kafkajs keeps ordering under retries only with one request in flight when idempotent.
    ...(idempotent ? { maxInFlightRequests: 1 } : {}),
    createPartitioner: () => {
      // The Java client's murmur2 partitioner: same key, same partition as Kafka's own tools.
      const inner = javaPartitioner();
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
  type Answer = { partition: number; baseOffset?: string; offset?: string; error?: { type?: string }; messages?: Message[] };
  const sendEach = async (topic: string, records: OutRecord[]): Promise<SendResult> => {
    const messages = records.map(toMessage);
    const meta = (await producer.send({ topic, messages, acks: options.acks, compression })) as unknown as Answer[];
    const next = new Map<number, bigint>();
    // Records of refused partitions: their error, or their own offset once sent again alone.
    const refusedBy = new Map<Message, { partition: number; error: unknown }>();
    const alone = new Map<Message, string | null>();
    for (const m of meta) {
      if (m.error) {
        const split = TOO_LARGE.has(m.error.type ?? '') && (m.messages?.length ?? 0) > 1;
        for (const msg of m.messages ?? []) {
          if (!split) refusedBy.set(msg, { partition: m.partition, error: m.error });
          else {
            // Same partition as chosen, one record per request: each record's fate is its own.
            const [one] = (await producer.send({ topic, messages: [{ ...msg, partition: m.partition }], acks: options.acks, compression })) as unknown as Answer[];
            if (one?.error) refusedBy.set(msg, { partition: m.partition, error: one.error });
            else alone.set(msg, one?.baseOffset ?? one?.offset ?? null);
          }
        }
        continue;
      }
      const base = m.baseOffset ?? m.offset;
      if (base !== undefined && base !== '-1') next.set(m.partition, BigInt(base));
    }
    const refused: Refusal[] = [];
    if (refusedBy.size > 0) messages.forEach((m, index) => refusedBy.has(m) && refused.push({ index, ...refusedBy.get(m)! }));
    if (!track) return { deliveries: [], refused };
    const deliveries = messages.map((m): Delivery => {
      const no = refusedBy.get(m);
      if (no) return { topic, partition: no.partition, offset: null };
      const partition = m.partition ?? chosen.get(m) ?? -1;
      if (alone.has(m)) {
        const own = alone.get(m);
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
    send: throwOnRefusal(sendEach),
    close: () => producer.disconnect(),
  };
}
