// kproduce's behaviour: build records from arguments or a stream, send them in bounded batches, report each ack or a summary.
import type { Readable } from 'node:stream';
import { EXIT, KtoolError } from '../errors.js';
import { err, out, type Io } from '../io.js';
import { paint, progress } from '../cli/style.js';
import { parseJsonRecord, splitKey, splitRecordBatches, splitRecordRuns, type InputRecord } from './input.js';
import { recordBytes, recordQueue, runQueue, type Batch } from './queue.js';
import { PooledFileStream } from './chunks.js';
import { runLength } from '../kafka/packed.js';
import type { Acks, Compression, ConnectionOptions, Delivery, OutRecord, RecordProducer, SendResult } from '../kafka/index.js';
import { withDeadline } from '../kafka/deadline.js';
import { MAX_IN_FLIGHT } from '../kafka/lanes.js';
import { openQuickSession, quickEligible, quickProducer } from '../kafka/quick-produce.js';
import { humanBytes } from './report.js';
import { interrupted } from '../cli/run.js';
import { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_SIZE, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_LINGER_MS, PACKED_BATCH_BYTES } from './defaults.js';
import { reportJson, reportPretty, summaryJson, summaryPretty, type Report, type Summary } from './report.js';
import { keyLabels, type RecordSerializer } from './schemas.js';

/** Where records come from: one per argument, or a byte stream (stdin, a file) split at a delimiter; interactive: typed on a terminal. */
export type Source = { kind: 'args'; values: string[] } | { kind: 'stream'; stream: Readable; delimiter: Buffer; interactive?: boolean };

/** How each input item becomes a record: text (optionally "key<SEP>value"), or a JSON object as kconsume --json prints. */
export type Parse = { kind: 'text'; keySeparator?: Buffer } | { kind: 'json'; jsonKeys?: boolean };

export type ReportMode = 'each' | 'summary' | 'none';

export interface ProduceOptions {
  connection: ConnectionOptions;
  topic: string;
  source: Source;
  parse?: Parse;
  /** Key for every record; wins over a key in the input. */
  key?: string;
  /** Partition for every record; wins over a partition in the input. */
  partition?: number;
  /** Added to every record. */
  headers?: Array<[string, string]>;
  /** Empty values are sent as null (tombstones, which delete a key from a compacted topic). */
  tombstone?: boolean;
  acks: Acks;
  compression?: Compression;
  /** How long a partly filled batch waits for more records before it is sent. */
  lingerMs?: number;
  /** Records per request; at most two batches are held in memory, whatever the input's length. */
  batchSize?: number;
  /** Key and value bytes per request: a batch ends at whichever limit comes first. */
  batchBytes?: number;
  /** How long a batch may wait for its acknowledgement, retries included. */
  deliveryTimeoutMs?: number;
  report: ReportMode;
  json: boolean;
  /** --value-schema / --key-schema: encodes each record's JSON key and value with a registry schema (lib/produce/schemas.ts). */
  serialize?: RecordSerializer;
  /** Runs before each input item is made a record, and may wait (it fetches the schemas --json-input lines name). */
  prepare?: (item: Buffer, n: number) => Promise<void> | undefined;
  signal?: AbortSignal;
}

export interface ProduceResult extends Summary {
  /** Every delivery, for argument input only (bounded by the command line). */
  deliveries: Delivery[];
}

export { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_SIZE, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_LINGER_MS } from './defaults.js';

/** A wake-up the sender waits on: the reader pokes it after each record, at its end, and on Ctrl-C. */
function notifier(): { poke(): void; wait(ms?: number): Promise<void> } {
  let wake: (() => void) | undefined;
  return {
    poke() {
      const w = wake;
      wake = undefined;
      w?.();
    },
    wait(ms) {
      return new Promise<void>((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

export async function produce(io: Io, o: ProduceOptions): Promise<ProduceResult> {
  const started = Date.now();
  const batchSize = o.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchBytes = o.batchBytes ?? DEFAULT_BATCH_BYTES;
  const lingerMs = o.lingerMs ?? DEFAULT_LINGER_MS;
  const c = paint(io, 'stdout');
  const deliveryTimeoutMs = o.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  // The full client (kafkajs) loads only when needed: a one-shot on a plaintext connection is sent without it.
  let kafka: typeof import('../kafka/index.js') | undefined;
  const loadKafka = async () => (kafka ??= await import('../kafka/index.js'));
  const mapError = async (e: unknown) => (e instanceof KtoolError ? e : (await loadKafka()).mapKafkaError(e, o.connection, o.topic));
  const perRecord = o.report === 'each' || o.source.kind === 'args';
  const openFull = async (): Promise<RecordProducer> => {
    const k = await loadKafka();
    // Ctrl-C while connecting (a broker that accepts and never answers) stops at once, not after --timeout.
    if (o.partition !== undefined) await untilAborted(checkPartition(k.topicPartitions, o.connection, o.topic, o.partition), o.signal);
    const opening = k.openProducer({ ...o.connection, acks: o.acks, deliveries: perRecord, deliveryTimeoutMs, ...(o.compression ? { compression: o.compression } : {}) });
    return untilAborted(opening, o.signal, (late) => void late.close().catch(() => {})).catch((e) => {
      throw k.mapKafkaError(e, o.connection, o.topic);
    });
  };
  const quick =
    o.source.kind === 'args' && o.acks !== 0 && quickEligible(o.connection, o.acks, (o.compression ?? 'none') !== 'none')
      ? await untilAborted(openQuickSession(o.connection, o.topic, o.acks, deliveryTimeoutMs), o.signal, (late) => late?.close())
      : undefined;
  // -p N beyond the topic's partitions: the full path's check says so before anything is sent.
  const usable = quick && (o.partition === undefined || o.partition < quick.partitions) ? quick : void quick?.close();
  const producer = usable ? quickProducer(usable, openFull) : await openFull();
  const print = (r: Report) => o.report === 'each' && out(io, o.json ? reportJson(r) : reportPretty(r, c));
  // No spinner over what is being typed (ora would also swallow the keystrokes).
  const live = o.report !== 'none' && o.source.kind === 'stream' && !o.source.interactive ? progress(io, 'kproduce: sending') : undefined;

  // -H headers, encoded once rather than for every record.
  const extraHeaders = (o.headers ?? []).map(([k, v]): [string, Buffer] => [k, Buffer.from(v)]);
  // Reader and sender meet in a bounded queue: the reader waits while two batches are queued (backpressure).
  // Plain lines sent without per-record reports are held packed: spans of the input's chunks, no object per record.
  const packed = o.source.kind === 'stream' && !perRecord && !o.prepare && plainText(o, extraHeaders) && producer.sendPacked !== undefined;
  const records = packed ? undefined : recordQueue();
  const runs = packed ? runQueue(o.key ?? null) : undefined;
  const queue = (records ?? runs)!;
  // Chunks read from a file go back to their pool once their lines are sent (chunks.ts); only packed lines say so.
  const pool = runs && o.source.kind === 'stream' && o.source.stream instanceof PooledFileStream ? o.source.stream.pool : undefined;
  const sent = (batch: Batch) => {
    if (pool && batch.payload.kind === 'packed') for (const run of batch.payload.records.runs) pool.drop(run.buf, runLength(run));
  };
  /** A packed batch's limit is its size as encoded (queue.ts). */
  const maxBatchBytes = runs ? Math.min(batchBytes, PACKED_BATCH_BYTES) : batchBytes;
  /** Two batches are held: the reader waits (by records, or by bytes for large records). */
  const full = () => queue.length >= 2 * batchSize || queue.bytes >= 2 * maxBatchBytes;
  const toSender = notifier();
  const toReader = notifier();
  let readerDone = false;
  let readError: KtoolError | undefined;
  let failure: KtoolError | undefined;
  let acknowledged = 0;
  let failed = 0;
  /** Records taken from the queue so far: records are numbered in input order, so a batch's first is taken + 1. */
  let taken = 0;
  /** The first record the broker refused on its own (too large...): named in the final error. */
  let firstRefusal: KtoolError | undefined;
  // "line 7" when records are lines, else "record 7" (the 7th argument, or the 7th record between -D delimiters).
  const noun = o.source.kind === 'stream' && o.source.delimiter.length === 1 && o.source.delimiter[0] === 0x0a ? 'line' : o.source.kind === 'args' ? 'message' : 'record';
  const which = (n: number) => `${noun} ${n}`;
  const withKey = (e: KtoolError, r: OutRecord) => (r.key === null ? e.message : e.message.replace(/^(\S+ \d+)/, `$1 (key ${keyText(r)})`));
  let bytes = 0;
  const deliveries: Delivery[] = [];
  const aborted = () => o.signal?.aborted === true;

  const reader = (async () => {
    try {
      if (runs && o.source.kind === 'stream') {
        const done = pool && ((chunk: Buffer) => pool.drop(chunk, 1));
        for await (const chunk of splitRecordRuns(o.source.stream, o.source.delimiter, done ? { done } : {})) {
          for (const run of chunk) {
            runs.push(run);
            pool?.hold(run.buf, runLength(run));
          }
          toSender.poke();
          if (failure || aborted()) break;
          while (full() && !failure && !aborted()) await toReader.wait();
        }
        return;
      }
      let n = 0;
      reading: for await (const chunk of items(o.source)) {
        for (const item of chunk) {
          if (failure || aborted()) break reading;
          n += 1;
          const ready = o.prepare?.(item, n); // undefined for lines with nothing to fetch: no await per record
          if (ready) await ready;
          records!.push(toRecord(item, n, o, extraHeaders));
        }
        toSender.poke();
        while (full() && !failure && !aborted()) await toReader.wait();
      }
    } catch (e) {
      // Ctrl-C destroys the input (below), which ends the read with an error that is no failure.
      if (aborted()) return;
      readError = e instanceof KtoolError ? e : new KtoolError('INPUT_FAILED', `could not read the input: ${(e as Error).message}`, { exitCode: EXIT.failed, cause: e });
    } finally {
      readerDone = true;
      toSender.poke();
    }
  })();
  const onAbort = () => {
    // An idle input (`sleep 60 | kproduce t`) would hold the reader until its end: stop reading it now.
    if (o.source.kind === 'stream') o.source.stream.destroy();
    toReader.poke();
    toSender.poke();
  };
  o.signal?.addEventListener('abort', onAbort);
  const ticker = live && setInterval(() => live.update(`kproduce: ${acknowledged} acknowledged, ${rate(acknowledged, Date.now() - started)} msg/s`), 250);

  /** One batch's send; its answer is taken once the batches before it are settled (`before`). Never rejects. */
  const settle = async (batch: Batch, first: number, sentAt: number, sending: Promise<SendResult>, before: Promise<void>): Promise<void> => {
    let answeredAt = sentAt;
    const answer = withDeadline(sending, deliveryTimeoutMs, () =>
      new KtoolError('ACK_TIMEOUT', `no acknowledgement within ${deliveryTimeoutMs} ms`, {
        exitCode: EXIT.unreachable,
        hint:
          'is the broker up? With --acks all a leader answers once every in-sync replica has the records: one on a dead broker holds it until the controller drops it from the ISR ' +
          '(~9 s; never while most KRaft controllers are down and the quorum is lost). `ktopics describe TOPIC` shows leaders and ISR; --delivery-timeout MS waits longer',
      }),
    ).finally(() => void (answeredAt = Date.now()));
    answer.catch(() => {}); // taken below, once the batches before it are settled
    await before;
    try {
      const { deliveries: acked, refused } = await answer;
      const latencyMs = answeredAt - sentAt;
      // Each refusal belongs to its record: named by its place in the input, and why; the rest of the batch was stored.
      const why = new Map<number, KtoolError>();
      for (const x of refused) {
        const r = batch.record(x.index);
        const mapped = await mapError(x.error);
        const e = new KtoolError(mapped.code, `${which(first + x.index)}, ${humanBytes(recordBytes(r))}: ${mapped.message}`, { exitCode: mapped.exitCode, ...(mapped.hint ? { hint: mapped.hint } : {}), cause: x.error });
        why.set(x.index, e);
        firstRefusal ??= new KtoolError(e.code, withKey(e, r), { exitCode: e.exitCode, ...(e.hint ? { hint: e.hint } : {}), cause: x.error });
        // A refusal of this record alone (too large, invalid) leaves the next records sendable; any other stops the run.
        if (!RECORD_REFUSALS.has(mapped.code)) failure ??= firstRefusal;
      }
      if (o.report === 'each') acked.forEach((d, i) => print({ ...d, key: keyText(batch.record(i)), latencyMs, ...(why.has(i) ? { record: first + i, error: why.get(i)!.message } : {}) }));
      if (o.source.kind === 'args') deliveries.push(...acked.filter((_, i) => !why.has(i)));
      acknowledged += batch.length - refused.length;
      failed += refused.length;
      bytes += batch.bytes - refused.reduce((n, x) => n + recordBytes(batch.record(x.index)), 0);
      if (failure) toReader.poke();
    } catch (e) {
      failure = await mapError(e);
      failed += batch.length;
      if (o.report === 'each') {
        for (let i = 0; i < batch.length; i++) {
          const r = batch.record(i);
          print({ topic: o.topic, partition: r.partition ?? -1, offset: null, key: keyText(r), latencyMs: answeredAt - sentAt, record: first + i, error: `${which(first + i)}: ${failure!.message}` });
        }
      }
      toReader.poke();
    }
  };
  // Keyless lines go several batches at a time, one per partition (lanes.ts); anything else one batch at a time.
  const window = runs && o.key === undefined ? MAX_IN_FLIGHT : 1;
  const inFlight: Array<Promise<void>> = [];
  let settled: Promise<void> = Promise.resolve();

  try {
    for (;;) {
      // Wait for a record; then, unless the input ended or Ctrl-C came, let a partial batch fill for lingerMs.
      while (queue.length === 0 && !readerDone && !aborted()) await toSender.wait();
      if (queue.length === 0 || failure) break;
      const lingerEnd = Date.now() + lingerMs;
      while (queue.length < batchSize && queue.bytes < maxBatchBytes && !readerDone && !aborted() && Date.now() < lingerEnd) await toSender.wait(lingerEnd - Date.now());
      // After Ctrl-C, what was already read is still sent (at most two batches): it has left the pipe and would be lost.
      const batch: Batch = queue.take(batchSize, maxBatchBytes);
      const first = taken + 1;
      taken += batch.length;
      toReader.poke();
      const sentAt = Date.now();
      const sending = batch.payload.kind === 'packed' ? producer.sendPacked!(o.topic, batch.payload.records) : producer.sendEach(o.topic, batch.payload.records);
      // Answers are taken in input order, whichever comes first: counts, reports and the first refusal stay in order.
      settled = settle(batch, first, sentAt, sending, settled);
      // The batch's lines are read until the send is over (retries encode them again) and settle() has counted them.
      const over = () => sent(batch);
      void Promise.allSettled([sending, settled]).then(over);
      inFlight.push(settled);
      if (inFlight.length >= window) await inFlight.shift();
    }
  } finally {
    await Promise.all(inFlight);
    o.signal?.removeEventListener('abort', onAbort);
    if (ticker) clearInterval(ticker);
    live?.stop();
    await reader;
    // What the reader queued after a failure was never sent: count it, report it as not sent, never as delivered.
    const unsent = queue.take(queue.length, Infinity);
    failed += unsent.length;
    if (o.report === 'each') {
      for (let i = 0; i < unsent.length; i++) {
        const r = unsent.record(i);
        print({ topic: o.topic, partition: r.partition ?? -1, offset: null, key: keyText(r), latencyMs: 0, record: taken + 1 + i, error: `${which(taken + 1 + i)}: not sent (kproduce stopped at an earlier failure)` });
      }
    }
    await producer.close().catch(() => {});
  }

  const summary: Summary = { acknowledged, failed, bytes, elapsedMs: Date.now() - started, interrupted: aborted() };
  const problem = failure ?? readError ?? firstRefusal;
  if (!problem && acknowledged === 0 && !summary.interrupted) {
    throw new KtoolError('EMPTY_INPUT', 'no messages: the input was empty', { exitCode: EXIT.usage, hint: 'pass messages as arguments, or pipe lines on stdin' });
  }
  if (o.report === 'summary' && o.json) out(io, summaryJson(summary));
  else if (o.report === 'summary' || (o.report === 'each' && o.source.kind === 'stream')) err(io, summaryPretty(summary));

  if (problem) {
    if (acknowledged === 0 && failed <= 1 && problem !== readError) throw problem;
    const refusal = failure ?? firstRefusal;
    const what =
      problem !== readError ? `${failed} of ${acknowledged + failed} messages were not acknowledged: ${refusal!.message}`
      : refusal ? `${problem.message} (of the ${acknowledged + failed} messages before it, ${failed} were not acknowledged: ${refusal.message})`
      : `${problem.message} (the ${acknowledged} messages before it were acknowledged)`;
    throw new KtoolError(problem.code, what, { exitCode: problem.exitCode, ...(problem.hint ? { hint: problem.hint } : {}), cause: problem });
  }
  return { ...summary, deliveries };
}

/**
 * The promise, or an interrupted error as soon as the signal fires; what it resolves to later is handed to `late`
 * (a producer still connecting is closed).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, late?: (value: T) => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.then(late, () => {});
    return Promise.reject(interrupted('kproduce'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.then(late, () => {});
      reject(interrupted('kproduce'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** -p N on a topic without partition N: kafkajs would drop the records; say so before sending anything. */
async function checkPartition(topicPartitions: (c: ConnectionOptions, t: string) => Promise<unknown[]>, connection: ConnectionOptions, topic: string, partition: number): Promise<void> {
  // A topic that does not exist yet is left to the producer, which may have the broker create it.
  // From the metadata, not the offsets: a partition without a leader still counts (and the send says it has none).
  const count = (await topicPartitions(connection, topic).catch((e: KtoolError) => (e.code === 'UNKNOWN_TOPIC' ? [] : Promise.reject(e)))).length;
  if (count > 0 && partition >= count) {
    throw new KtoolError('UNKNOWN_PARTITION', `topic "${topic}" has no partition ${partition} (it has ${count}: 0-${count - 1})`, { exitCode: EXIT.failed, hint: 'pick a partition that exists; `ktopics describe` lists them' });
  }
}

/** Input items in arrays (one per chunk read), so the reader awaits once per chunk, not per record. */
async function* items(source: Source): AsyncGenerator<Buffer[]> {
  if (source.kind === 'args') yield source.values.map((v) => Buffer.from(v, 'utf8'));
  else yield* splitRecordBatches(source.stream, source.delimiter);
}

/** One input item (an argument or a line) to a record, with the command's flags applied over what the input says. */
function toRecord(item: Buffer, n: number, o: ProduceOptions, extraHeaders: Array<[string, Buffer]>): OutRecord {
  // Plain lines (the bulk case): one object per record, no spreads or empty header lists for the garbage collector.
  if (plainText(o, extraHeaders)) return { key: o.key ?? null, value: item };
  const parse = o.parse ?? { kind: 'text' };
  let r: InputRecord;
  if (parse.kind === 'json') r = parseJsonRecord(item, n, parse);
  else if (parse.keySeparator) r = splitKey(item, parse.keySeparator);
  else r = { key: null, value: item };
  const headers = r.headers || extraHeaders.length > 0 ? [...(r.headers ?? []), ...extraHeaders] : [];
  const partition = o.partition ?? r.partition;
  const record: OutRecord = {
    key: o.key !== undefined ? o.key : r.key,
    value: o.tombstone && r.value !== null && r.value.length === 0 ? null : r.value,
    ...(partition === undefined ? {} : { partition }),
    ...(headers.length > 0 ? { headers } : {}),
    ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
  };
  return o.serialize ? o.serialize(record, item, n, { jsonInput: parse.kind === 'json', keyFlag: o.key !== undefined }) : record;
}

/** Text records that become { key, value } as they are: no parsing, headers, partition, tombstones or schemas. */
const plainText = (o: ProduceOptions, extraHeaders: unknown[]) =>
  (o.parse === undefined || (o.parse.kind === 'text' && !o.parse.keySeparator)) && extraHeaders.length === 0 && o.partition === undefined && !o.tombstone && !o.serialize;

/** Refusals of one record that leave the others sendable (mapKafkaError's codes): kproduce reports them and goes on. */
const RECORD_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'INVALID_RECORD']);

const rate = (n: number, ms: number) => (ms > 0 ? Math.round((n * 1000) / ms) : n);

function keyText(r: OutRecord | undefined): string | null {
  if (!r || r.key === null) return null;
  const label = keyLabels.get(r);
  if (label !== undefined) return label;
  return typeof r.key === 'string' ? r.key : r.key.toString('utf8');
}
