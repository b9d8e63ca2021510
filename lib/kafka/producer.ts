// Producing: a kafkajs producer that reports each record's partition and offset after the ack.
import './patches.js'; // first: replaces two kafkajs producer internals before kafkajs loads them
import { CompressionTypes, Partitioners, type IHeaders, type Message } from 'kafkajs';
import type { Compression } from './compressions.js';
import { createKafka, unreachable, withDeadline, type ConnectionOptions } from './client.js';

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

export interface RecordProducer {
  /**
   * Sends records to one topic and resolves after the acks: with one Delivery per record, in input order, if the
   * producer was opened with `deliveries: true`; with an empty list otherwise (nothing is tracked per record).
   */
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

/** The kafkajs message for a record; one without headers already has kafkajs's shape and is passed as it is. */
const toMessage = (r: OutRecord): Message => (r.headers ? { ...r, headers: headerObject(r.headers) } : (r as Message));

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
      const inner = Partitioners.DefaultPartitioner();
      if (!track) return inner;
      return (args) => {
        const p = inner(args);
        chosen.set(args.message, p);
        return p;
      };
    },
  });
  await withDeadline(producer.connect(), options.timeoutMs, () => unreachable(options.brokers, options.timeoutMs));
  const compression = COMPRESSION_TYPE[options.compression ?? 'none'];
  return {
    async send(topic, records) {
      const messages = records.map(toMessage);
      const meta = await producer.send({ topic, messages, acks: options.acks, compression });
      if (!track) return [];
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
