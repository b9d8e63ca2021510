// A one-shot produce without kafkajs (issue 16): loading kafkajs and its five requests cost a `kproduce T hello` about
// 70 ms of its ~100. On a plaintext connection this path asks what the send needs (ApiVersions, Metadata for the
// topic, InitProducerId when idempotent) and writes one Produce request with our own encoder. Whatever it cannot do
// plainly before the Produce is written (another broker answers for the topic, a partition without a leader, an
// error code) goes to the full client instead, with nothing sent; a partition the broker refuses is handed to the
// full client too (nothing of it was stored). Only an answer lost after the Produce was written is retried here:
// the same bytes, the same producer id and sequence numbers, so the broker stores them once.
import { connect, type Socket } from 'node:net';
import { EXIT, KtoolError } from '../errors.js';
import { encodeProduceRequest, type WireMessage } from './produce-request.js';
import { javaPartitioner } from './partitioner.js';
import { throwOnRefusal, toMessage } from './messages.js';
import { noProducerId, unreachable } from './deadline.js';
import { requestHeader } from './request-header.js';
import type { ConnectionOptions } from './client.js';
import type { Delivery, OutRecord, RecordProducer, SendResult } from './producer.js';

const API = { produce: 0, metadata: 3, apiVersions: 18, initProducerId: 22 } as const;
/** The versions written here, each in every broker since Kafka 1.0 and still in 4.x. */
const VERSION = { produce: 3, metadata: 4, apiVersions: 0, initProducerId: 0 } as const;
/** Kafka's error codes that mean "nothing stored, ask again" for a resend of the same batch after a lost answer. */
const RETRIABLE = new Set([3, 5, 6, 7, 13, 14, 19, 20, 56, 74]);
/** NOT_ENOUGH_REPLICAS_AFTER_APPEND: the leader stored the batch but too few replicas have it; never re-sent elsewhere. */
const STORED_UNDER_REPLICATED = 20;
/** The request's own timeout field, as kafkajs sends it. */
const PRODUCE_TIMEOUT_MS = 30_000;

/** A wait that ran out (as opposed to a refused connection or a broker's error). */
class TimedOut extends Error {}

/** A broker's answer read field by field (big-endian, Kafka's non-flexible encoding). */
class Reader {
  at = 0;
  constructor(private readonly b: Buffer) {}
  int8 = () => this.b.readInt8((this.at += 1) - 1);
  int16 = () => this.b.readInt16BE((this.at += 2) - 2);
  int32 = () => this.b.readInt32BE((this.at += 4) - 4);
  int64 = () => this.b.readBigInt64BE((this.at += 8) - 8);
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.b.toString('utf8', this.at, (this.at += n));
  }
  array<T>(item: () => T): T[] {
    const n = this.int32();
    const items: T[] = [];
    for (let i = 0; i < n; i++) items.push(item());
    return items;
  }
}

const int16 = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const string = (s: string | null) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]));

/** What a send needs of a connection (a unit test gives its own). */
export interface Requester {
  request(apiKey: number, version: number, body: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

/** A connection to one broker: requests framed with header v1, answers matched by correlation id. */
class Connection implements Requester {
  private chunks: Buffer[] = [];
  private have = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const w of this.waiting.values()) w.reject(this.failed);
      this.waiting.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the broker closed the connection')));
  }

  /** Resolves once connected; rejects on any error or after timeoutMs. */
  static open(host: string, port: number, clientId: string, timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => (socket.destroy(), reject(new TimedOut(`no connection within ${timeoutMs} ms`))), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new Connection(socket, clientId));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      });
    });
  }

  /** Sends a request and resolves with the body of its answer (after the correlation id). */
  request(apiKey: number, version: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const header = requestHeader(apiKey, version, id, this.clientId, body.length);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new TimedOut(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (b) => (clearTimeout(timer), resolve(b)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.socket.write(Buffer.concat([header, body]));
    });
  }

  private take(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.have += chunk.length;
    while (this.have >= 4) {
      const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.have);
      const size = joined.readInt32BE(0);
      if (this.have < 4 + size) {
        this.chunks = [joined];
        return;
      }
      const id = joined.readInt32BE(4);
      const body = joined.subarray(8, 4 + size);
      const rest = joined.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.have = rest.length;
      const w = this.waiting.get(id);
      this.waiting.delete(id);
      w?.resolve(body);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

type Broker = { nodeId: number; host: string; port: number };
type PartitionMeta = { partitionId: number; leader: number; partitionErrorCode: number };
type Metadata = { brokers: Broker[]; errorCode: number; partitions: PartitionMeta[] };

async function readMetadata(c: Connection, topic: string, timeoutMs: number): Promise<Metadata> {
  // v4: topics, allow_auto_topic_creation (kafkajs allows it too: a first send to a new topic creates it).
  const r = new Reader(await c.request(API.metadata, VERSION.metadata, Buffer.concat([int32(1), string(topic), Buffer.from([1])]), timeoutMs));
  r.int32(); // throttle time
  const brokers = r.array(() => {
    const b = { nodeId: r.int32(), host: r.string() ?? '', port: r.int32() };
    r.string(); // rack
    return b;
  });
  r.string(); // cluster id
  r.int32(); // controller id
  const topics = r.array(() => {
    const errorCode = r.int16();
    const name = r.string();
    r.int8(); // is internal
    const partitions = r.array((): PartitionMeta => {
      const partitionErrorCode = r.int16();
      const partitionId = r.int32();
      const leader = r.int32();
      r.array(r.int32); // replicas
      r.array(r.int32); // in-sync replicas
      return { partitionId, leader, partitionErrorCode };
    });
    return { errorCode, name, partitions };
  });
  const t = topics.find((x) => x.name === topic);
  return { brokers, errorCode: t ? t.errorCode : 3, partitions: t?.partitions ?? [] };
}

/** Whether the broker speaks each version this path writes. */
async function speaksOurVersions(c: Connection, timeoutMs: number): Promise<boolean> {
  const r = new Reader(await c.request(API.apiVersions, VERSION.apiVersions, Buffer.alloc(0), timeoutMs));
  if (r.int16() !== 0) return false;
  const ranges = new Map(r.array(() => [r.int16(), [r.int16(), r.int16()]] as const));
  return (Object.keys(API) as Array<keyof typeof API>).every((k) => {
    const range = ranges.get(API[k]);
    return range !== undefined && range[0] <= VERSION[k] && VERSION[k] <= range[1];
  });
}

const split = (address: string): [string, number] => {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
};

export interface QuickSession {
  /** The topic's partition count, from the metadata read at open. */
  partitions: number;
  /** One delivery per record, in input order; undefined for records the broker refused (nothing of them stored). */
  send(records: OutRecord[]): Promise<Array<Delivery | undefined>>;
  close(): void;
}

/** Eligible: plaintext, no compression or client logs (those need kafkajs), acks 1 or all. */
export const quickEligible = (c: ConnectionOptions, acks: number, compressed: boolean): boolean =>
  !c.tls && !c.sasl && !c.debug && !compressed && acks !== 0 && process.env.KTOOL_QUICK_PRODUCE !== '0';

/**
 * Connects to the first broker that answers, checks its versions, reads the topic's metadata and (acks all) gets a
 * producer id. Undefined if any of that fails or looks unusual: the caller uses the full client, and nothing was sent.
 * Throws BROKER_UNREACHABLE if it all takes longer than --timeout.
 * `deadlineMs` bounds every later send's retries (kproduce's --delivery-timeout).
 */
export async function openQuickSession(options: ConnectionOptions, topic: string, acks: -1 | 1, deadlineMs: number): Promise<QuickSession | undefined> {
  const clientId = options.clientId ?? 'ktool';
  // One budget for all of it, as the full client has: a broker that accepts and never answers is unreachable at --timeout.
  const end = Date.now() + options.timeoutMs;
  const left = () => Math.max(1, end - Date.now());
  let c: Connection | undefined;
  let address: string | undefined;
  try {
    let silent: TimedOut | undefined;
    for (const a of options.brokers) {
      const [host, port] = split(a);
      // Each broker gets at most 5 s to accept, as in the full client, so a dead first address leaves time for the next.
      c = await Connection.open(host, port, clientId, Math.min(left(), 5_000)).catch((e) => void (e instanceof TimedOut && (silent = e)));
      if (c) {
        address = a;
        break;
      }
    }
    if (!c && silent) throw silent;
    // Refused, or a name that does not resolve: the full client says which.
    if (!c || !(await speaksOurVersions(c, left()))) return void c?.close();
    const meta = await readMetadata(c, topic, left());
    // A new topic (just created), a partition without a leader, an error: the full client knows how to wait or say why.
    if (meta.errorCode !== 0 || meta.partitions.length === 0 || meta.partitions.some((p) => p.partitionErrorCode !== 0 || p.leader < 0)) return void c.close();
    let producerId = -1n;
    let producerEpoch = 0;
    if (acks === -1) {
      // The broker answered already: no producer id in time is said as such (KRaft brokers take ids from the quorum), as the full client says it.
      const asked = c.request(API.initProducerId, VERSION.initProducerId, Buffer.concat([string(null), int32(60_000)]), left());
      const r = new Reader(await asked.catch((e) => Promise.reject(e instanceof TimedOut ? noProducerId(options.brokers, options.timeoutMs, e) : e)));
      r.int32(); // throttle time
      if (r.int16() !== 0) return void c.close();
      producerId = r.int64();
      producerEpoch = r.int16();
    }
    const s = { clientId, topic, acks, meta, producerId, producerEpoch, deadlineMs, waitMs: Math.min(options.timeoutMs, 5_000) };
    return session(c, address!, s);
  } catch (e) {
    c?.close();
    if (e instanceof KtoolError) throw e;
    if (e instanceof TimedOut) throw unreachable(options.brokers, options.timeoutMs, e);
    return undefined;
  }
}

interface SessionFacts {
  clientId: string;
  topic: string;
  acks: -1 | 1;
  meta: Metadata;
  producerId: bigint;
  producerEpoch: number;
  deadlineMs: number;
  waitMs: number;
}

function session(bootstrap: Connection, bootstrapAddress: string, f: SessionFacts): QuickSession {
  const open = new Set<Requester>([bootstrap]);
  let closed = false;
  const partitioner = javaPartitioner();
  const partitions = f.meta.partitions;
  const leaderOf = new Map(partitions.map((p) => [p.partitionId, p.leader]));
  const fallback = (records: OutRecord[]) => records.map(() => undefined);
  return {
    partitions: partitions.length,
    async send(records) {
      const messages = records.map(toMessage) as WireMessage[];
      const chosen = messages.map((m) => partitioner({ topic: f.topic, partitionMetadata: partitions, message: m }));
      // A partition the topic lacks (the full client says so), or records for several brokers: the full client sends them.
      const leaders = new Set(chosen.map((p) => leaderOf.get(p)));
      if (leaders.size !== 1 || leaders.has(undefined)) return fallback(records);
      const leader = f.meta.brokers.find((b) => leaders.has(b.nodeId));
      if (!leader) return fallback(records);
      let c: Requester | undefined = `${leader.host}:${leader.port}` === bootstrapAddress ? bootstrap : await Connection.open(leader.host, leader.port, f.clientId, f.waitMs).catch(() => undefined);
      if (!c) return fallback(records);
      open.add(c);
      const byPartition = new Map<number, WireMessage[]>();
      chosen.forEach((p, i) => (byPartition.get(p) ?? byPartition.set(p, []).get(p)!).push(messages[i]!));
      const body = await encodeProduceRequest(
        {
          acks: f.acks,
          timeout: PRODUCE_TIMEOUT_MS,
          producerId: f.producerId,
          producerEpoch: f.producerEpoch,
          topicData: [{ topic: f.topic, partitions: [...byPartition].map(([partition, list]) => ({ partition, firstSequence: 0, messages: list })) }],
        },
        () => Promise.reject(new Error('no compression on the quick path')),
      );
      const until = Date.now() + f.deadlineMs;
      const link = {
        get: () => c,
        set: (n: Requester | undefined) => {
          c = n;
          if (n) open.add(n);
        },
        connect: () => Connection.open(leader.host, leader.port, f.clientId, f.waitMs),
        stopped: () => closed || Date.now() >= until,
      };
      const answers = await sendUntilAnswered(link, body, f.topic);
      const next = new Map<number, bigint>();
      for (const a of answers) if (a.errorCode === 0) next.set(a.partition, a.baseOffset);
      return chosen.map((partition): Delivery | undefined => {
        const offset = next.get(partition);
        if (offset === undefined) return undefined;
        next.set(partition, offset + 1n);
        return { topic: f.topic, partition, offset: offset.toString() };
      });
    },
    close() {
      closed = true;
      for (const c of open) c.close();
    },
  };
}

export type Answer = { partition: number; errorCode: number; baseOffset: bigint };

export interface Link {
  get(): Requester | undefined;
  set(c: Requester | undefined): void;
  connect(): Promise<Requester>;
  /** Closed, or past the delivery deadline: stop re-sending. */
  stopped(): boolean;
}

/**
 * Writes the Produce request and reads its answer. An answer lost on the way (the connection broke, or no answer in
 * time) leaves the records' fate unknown: the same bytes are sent again, on a new connection, until the broker
 * answers; the producer id and sequence numbers let it store them once. After such a loss, a refusal cannot be handed
 * to another producer (the first copy may be stored), so it ends the send.
 */
export async function sendUntilAnswered(link: Link, body: Buffer, topic: string): Promise<Answer[]> {
  let lost: Error | undefined;
  for (let backoff = 100; ; backoff = Math.min(backoff * 2, 1_000)) {
    try {
      const c = link.get() ?? (await link.connect());
      link.set(c);
      const r = new Reader(await c.request(API.produce, VERSION.produce, body, PRODUCE_TIMEOUT_MS + 5_000));
      const answers = r
        .array(() => {
          r.string(); // topic
          return r.array((): Answer => {
            const a = { partition: r.int32(), errorCode: r.int16(), baseOffset: r.int64() };
            r.int64(); // log append time
            return a;
          });
        })
        .flat();
      const again = answers.find((a) => a.errorCode === STORED_UNDER_REPLICATED || (lost !== undefined && RETRIABLE.has(a.errorCode)));
      if (!again) {
        const refused = answers.find((a) => a.errorCode !== 0);
        if (lost && refused) throw unknownFate(topic, refused.partition, `the broker then answered with error code ${refused.errorCode}`);
        return answers;
      }
      lost ??= new Error(`error code ${again.errorCode}`);
    } catch (e) {
      if (e instanceof KtoolError) throw e;
      lost = e as Error;
      link.get()?.close();
      link.set(undefined);
    }
    if (link.stopped()) throw unknownFate(topic, -1, `no answer came before the delivery timeout (${lost.message})`);
    await new Promise((r) => setTimeout(r, backoff));
  }
}

const unknownFate = (topic: string, partition: number, why: string) =>
  new KtoolError('DELIVERY_UNKNOWN', `the answer to a send to ${topic}${partition >= 0 ? `[${partition}]` : ''} was lost and ${why}: the records may or may not be stored`, {
    exitCode: EXIT.failed,
    hint: `read the topic's last records to see (kconsume ${topic} -o -5 -e)`,
  });

/**
 * kproduce's producer over a quick session: records the session cannot send, or the broker refused, go to the full
 * client (opened on first need), so every refusal is reported as the full client reports it.
 */
export function quickProducer(s: QuickSession, full: () => Promise<RecordProducer>): RecordProducer {
  let opened: Promise<RecordProducer> | undefined;
  const sendEach = async (topic: string, records: OutRecord[]): Promise<SendResult> => {
    const got = await s.send(records);
    const rest = got.flatMap((d, i) => (d === undefined ? [i] : []));
    if (rest.length === 0) return { deliveries: got as Delivery[], refused: [] };
    const r = await (opened ??= full()).then((p) => p.sendEach(topic, rest.map((i) => records[i]!)));
    rest.forEach((i, j) => (got[i] = r.deliveries[j]));
    return { deliveries: got.filter((d): d is Delivery => d !== undefined), refused: r.refused.map((x) => ({ ...x, index: rest[x.index]! })) };
  };
  return {
    sendEach,
    send: throwOnRefusal(sendEach),
    async close() {
      s.close();
      if (opened) await (await opened).close();
    },
  };
}
