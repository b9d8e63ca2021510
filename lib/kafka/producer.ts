// Producing: a kafkajs producer that reports each record's partition and offset after the ack.
import './patches.js'; // first: replaces two kafkajs producer internals before kafkajs loads them
import { CompressionTypes, Partitioners, type IHeaders, type Message } from 'kafkajs';
import { createKafka, unreachable, withDeadline, type ConnectionOptions } from './client.js';

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
