// kconsume's behaviour: join a group, start where asked, print records, stop on a limit, at the end, when idle, on Ctrl-C or when
// stdout closes; offsets committed and the group left (a throwaway group deleted) on every way out.
import { randomBytes } from 'node:crypto';
import { EXIT, KtoolError } from '../errors.js';
import { err, type Io } from '../io.js';
import { paint, progress } from '../cli/style.js';
import { committedOffsets, deleteGroup, listTopicNames, mapKafkaError, offsetsForTime, openConsumer, topicOffsets, type ConnectionOptions, type InRecord, type Seek } from '../kafka/index.js';
import { NEWLINE, recordJson, recordPretty, type DecodedRecord } from './format.js';

/** Decodes a record's schema-framed key and value (lib/schemas); fields that are not framed are left out. */
export type RecordDecoder = (r: InRecord) => Promise<DecodedRecord>;

/** Where each partition starts the first time this process is given it (later assignments resume from the group's offsets). */
export type StartAt =
  | { from: 'stored' } // the group's committed offset; without one, the beginning or the end (fromBeginning)
  | { from: 'beginning' }
  | { from: 'end' }
  | { from: 'offset'; offset: bigint } // absolute, clamped to what the partition holds
  | { from: 'fromEnd'; count: bigint } // the last `count` records of each partition
  | { from: 'time'; timestamp: number }; // the first record at or after this time (ms)

export type Output =
  | { kind: 'pretty'; verbose: boolean }
  | { kind: 'json' }
  | { kind: 'raw' }
  | { kind: 'format'; render: (r: InRecord) => Buffer };

export interface ConsumeOptions {
  connection: ConnectionOptions;
  topics: string[];
  /** Also read every (non-internal) topic whose name matches. */
  pattern?: RegExp;
  /** Without one, a throwaway group is used and deleted at exit, so nobody's offsets move. */
  groupId?: string;
  /** Only these partitions of each topic (throwaway group only). */
  partitions?: number[];
  startAt?: StartAt;
  /** Where a partition without a committed offset starts when startAt is "stored": earliest (true) or latest. */
  fromBeginning: boolean;
  maxMessages?: number;
  /** Stop when every assigned partition has been read to the end it had at start. */
  exitAtEnd: boolean;
  /** Stop when no record has arrived for this long (counted from joining). */
  idleTimeoutMs?: number;
  output: Output;
  /** With a Schema Registry: pretty and JSON output show framed keys and values decoded (--raw and -F stay bytes). */
  decode?: RecordDecoder;
  signal?: AbortSignal;
}

export interface ConsumeResult {
  consumed: number;
  groupId: string;
  topics: string[];
  interrupted: boolean;
  /** Why it stopped ('closed': the reader of stdout went away, `| head -1`). */
  reason: 'limit' | 'end' | 'idle' | 'signal' | 'closed';
}

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** a >= b for decimal offsets (a non-negative; b may be -1), without converting either. */
const decimalAtLeast = (a: string, b: string) => b[0] === '-' || a.length > b.length || (a.length === b.length && a >= b);

interface Bounds {
  low: bigint;
  high: bigint;
}

export async function consume(io: Io, o: ConsumeOptions): Promise<ConsumeResult> {
  const startAt = o.startAt ?? { from: 'stored' };
  const throwaway = o.groupId === undefined;
  if (o.partitions && !throwaway) throw new KtoolError('USAGE', '-p/--partition reads chosen partitions outside any group', { exitCode: EXIT.usage, hint: 'drop -g to read those partitions, or drop -p to share all partitions within the group' });
  const groupId = o.groupId ?? `kconsume-${randomBytes(6).toString('hex')}`;
  const topics = await resolveTopics(o);
  // A decoding failure may come after -e or -n has already decided to stop (in the batch's last flush): keep it for the end.
  let outputFailure: Error | undefined;
  const output = writer(io, o.output, o.decode, (e) => {
    outputFailure ??= e;
    finish(e);
  });
  const cErr = paint(io, 'stderr');

  // Each partition's offsets at start: the end -e reads to, and what explicit start positions are computed from.
  const bounds = new Map<string, Bounds>();
  const needBounds = o.exitAtEnd || startAt.from !== 'stored' || o.partitions !== undefined;
  const times = new Map<string, bigint>();
  if (needBounds) {
    for (const topic of topics) {
      const offsets = await topicOffsets(o.connection, topic);
      for (const p of offsets) bounds.set(tp(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
      const missing = o.partitions?.filter((p) => !offsets.some((x) => x.partition === p)) ?? [];
      if (missing.length > 0) {
        throw new KtoolError('UNKNOWN_PARTITION', `topic "${topic}" has no partition ${missing.join(', ')} (it has ${offsets.length}: 0-${offsets.length - 1})`, { exitCode: EXIT.failed, hint: 'pick a partition that exists; ktopics or kcat -L lists them' });
      }
      if (startAt.from === 'time') for (const [p, off] of await offsetsForTime(o.connection, topic, startAt.timestamp)) times.set(tp(topic, p), off);
    }
  }

  /** The offset an explicit start position means for one partition (undefined: resume from the group's offset). */
  function explicitStart(key: string): bigint | undefined {
    const b = bounds.get(key) ?? { low: 0n, high: 0n };
    const clamp = (n: bigint) => (n < b.low ? b.low : n > b.high ? b.high : n);
    switch (startAt.from) {
      case 'stored':
        return undefined;
      case 'beginning':
        return b.low;
      case 'end':
        return b.high;
      case 'offset':
        return clamp(startAt.offset);
      case 'fromEnd':
        return clamp(b.high - startAt.count);
      case 'time':
        return times.get(key) ?? b.high;
    }
  }

  const position = new Map<string, bigint>(); // next offset to read, per assigned partition (for -e)
  const seen = new Set<string>(); // partitions this process has been given before
  let assigned: string[] | undefined;
  let consumed = 0;
  let reason: ConsumeResult['reason'] = 'signal';
  let finish!: (error?: Error) => void;
  const finished = new Promise<Error | undefined>((resolve) => (finish = resolve));
  let stopping = false;
  const stopWith = (why: ConsumeResult['reason']) => {
    if (stopping) return;
    stopping = true;
    reason = why;
    finish();
  };
  // `| head -1`: the reader has gone. Stop as for any other reason, so the member leaves the group at once (it would
  // otherwise stay until its session timed out, refusing resets) and a throwaway group is deleted.
  output.onClosed(() => stopWith('closed'));

  // For -e, per record: only whether it reaches its partition's end; positions move (and atEnd is asked) only then.
  let cached: { topic: string; partition: number; key: string; last: string; lastNumber: number } | undefined;
  const endOf = (topic: string, partition: number) => {
    if (cached?.partition !== partition || cached.topic !== topic) {
      const key = tp(topic, partition);
      const last = (bounds.get(key)?.high ?? 0n) - 1n;
      cached = { topic, partition, key, last: last.toString(), lastNumber: Number(last) };
    }
    return cached;
  };
  const reachedEnd = (r: InRecord): boolean => {
    const end = endOf(r.topic, r.partition);
    if (!decimalAtLeast(r.offset, end.last)) return false;
    position.set(end.key, BigInt(r.offset) + 1n);
    return true;
  };
  /** reachedEnd for an offset given as a Number (packed records: lib/kafka/fetched.ts keeps them below 2^53). */
  const reachedEndAt = (topic: string, partition: number, offset: number): boolean => {
    const end = endOf(topic, partition);
    if (offset < end.lastNumber) return false;
    position.set(end.key, BigInt(offset) + 1n);
    return true;
  };
  const atEnd = () => assigned !== undefined && assigned.every((k) => (position.get(k) ?? -1n) >= (bounds.get(k)?.high ?? 0n));
  let spinner = progress(io, `joining group ${groupId}`);
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (o.idleTimeoutMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => stopWith('idle'), o.idleTimeoutMs);
  };

  const handedOver = () => {
    if (consumed === 0) spinner.stop();
    consumed += 1;
  };
  /** After a record is handed over: false (and stop) at the limit, or when it reached the end of the last partition to read. */
  const goOn = (reachedItsEnd: boolean): boolean => {
    const limit = o.maxMessages !== undefined && consumed >= o.maxMessages;
    const done = limit || (reachedItsEnd && atEnd());
    if (done) stopWith(limit ? 'limit' : 'end');
    return !done;
  };
  const consumer = await openConsumer(
    { ...o.connection, groupId, topics, fromBeginning: o.fromBeginning || startAt.from === 'beginning', ...(o.partitions ? { partitions: o.partitions } : {}) },
    {
      onRecord(r: InRecord) {
        handedOver();
        output.push(r);
        return goOn(o.exitAtEnd && reachedEnd(r));
      },
      // --raw: values copied out of the fetched bytes, with no object per record.
      ...(output.pushValue && {
        onValue(topic: string, partition: number, buf: Buffer, start: number, end: number, offset: number) {
          handedOver();
          output.pushValue!(buf, start, end);
          return goOn(o.exitAtEnd && reachedEndAt(topic, partition, offset));
        },
      }),
      onBatchEnd() {
        armIdle();
        // false when the batch's text never reached the reader: its offsets are not committed.
        return output.flush();
      },
      onAssigned(assignment) {
        spinner.stop();
        const parts = Object.entries(assignment).map(([t, ps]) => `${t}[${[...ps].sort((a, b) => a - b).join(',')}]`);
        err(io, cErr.dim(`group ${throwaway ? '(throwaway) ' : ''}${groupId}: assigned ${parts.length ? parts.join(' ') : 'nothing (more members than partitions)'}`));
        if (consumed === 0) spinner = progress(io, 'waiting for records');
        const seeks: Seek[] = [];
        const resume: Record<string, number[]> = {};
        for (const [topic, partitions] of Object.entries(assignment)) {
          for (const partition of partitions) {
            const key = tp(topic, partition);
            const start = seen.has(key) ? undefined : explicitStart(key);
            seen.add(key);
            if (start === undefined) (resume[topic] ??= []).push(partition);
            else {
              seeks.push({ topic, partition, offset: start.toString() });
              position.set(key, start);
            }
          }
        }
        assigned = Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => tp(t, p)));
        if (o.exitAtEnd) void resumePositions(resume).then(() => atEnd() && stopWith('end'), finish);
        return seeks;
      },
      onCrash: (e) => finish(mapKafkaError(e, o.connection)),
    },
  ).catch((e) => {
    spinner.stop();
    throw mapKafkaError(e, o.connection, topics.join(','));
  });
  armIdle();

  /** For -e: where partitions resumed from the group start: the committed offset, else the beginning or the end. */
  async function resumePositions(resume: Record<string, number[]>): Promise<void> {
    for (const [topic, partitions] of Object.entries(resume)) {
      const committed = await committedOffsets(o.connection, groupId, topic);
      for (const partition of partitions) {
        const key = tp(topic, partition);
        const b = bounds.get(key) ?? { low: 0n, high: 0n };
        const c0 = committed.get(partition) ?? -1n;
        const start = c0 >= 0n ? c0 : o.fromBeginning ? b.low : b.high;
        if ((position.get(key) ?? -1n) < start) position.set(key, start);
      }
    }
  }

  const onAbort = () => stopWith('signal');
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) stopWith('signal');
  let failure = await finished;
  o.signal?.removeEventListener('abort', onAbort);
  clearTimeout(idle);
  spinner.stop();
  // stop() lets kafkajs commit what onRecord printed, then leave the group.
  await consumer.stop().catch(() => {});
  await consumer.close().catch(() => {});
  if (throwaway) await deleteGroup(o.connection, groupId).catch(() => {});
  output.close();
  failure ??= outputFailure;
  if (failure) throw failure instanceof KtoolError ? failure : new KtoolError('CONSUMER_FAILED', failure.message, { exitCode: EXIT.failed, cause: failure });
  return { consumed, groupId, topics, interrupted: o.signal?.aborted === true, reason };
}

/** The topic names given, plus those matching the pattern; an error if a pattern matches nothing. */
async function resolveTopics(o: ConsumeOptions): Promise<string[]> {
  if (!o.pattern) return o.topics;
  const pattern = o.pattern;
  const matching = (await listTopicNames(o.connection)).filter((t) => pattern.test(t));
  if (matching.length === 0 && o.topics.length === 0) {
    throw new KtoolError('NO_TOPIC_MATCHES', `no topic matches /${pattern.source}/`, { exitCode: EXIT.failed, hint: 'check the pattern; it is a JavaScript regular expression matched against whole topic names with ^...$ implied' });
  }
  return [...new Set([...o.topics, ...matching])];
}

/** Text output is gathered into one write per this many characters at most, and flushed at the end of each fetched batch. */
const WRITE_CHUNK = 256 * 1024;
const NO_BYTES = Buffer.alloc(0);

interface Writer {
  push(r: InRecord): void;
  /** --raw only: a value as its span buf[start, end) (end -1: null), without a record object. */
  pushValue?(buf: Buffer, start: number, end: number): void;
  /** Writes what was gathered; resolves once stdout took it (backpressure): true, or false if stdout has closed. */
  flush(): Promise<boolean>;
  /** Calls back once when stdout closes under us (EPIPE: the reader went away). */
  onClosed(callback: () => void): void;
  close(): void;
}

/** A write error that means the reader of stdout went away. */
const readerGone = (e: NodeJS.ErrnoException | null | undefined) => e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED';

/**
 * Renders records to stdout in the chosen form, one write per batch rather than per record. flush() waits for the
 * write's callback, so a full pipe pauses fetching and a closed one is known before the batch's offsets are committed.
 */
function writer(io: Io, output: Output, decode?: RecordDecoder, fail?: (e: Error) => void): Writer {
  const c = paint(io, 'stdout');
  let text = '';
  let bytes: Buffer[] = [];
  let held = 0;
  let closed = false;
  let onClosed: (() => void) | undefined;
  const gone = () => {
    if (closed) return;
    closed = true;
    onClosed?.();
  };
  const onError = (e: NodeJS.ErrnoException) => readerGone(e) && gone();
  io.stdout.on('error', onError);
  /** --raw: the buffer records are copied into (value, newline), handed to `bytes` when full or written. */
  let raw: Buffer | undefined;
  let rawAt = 0;
  /** Write buffers stdout has taken (their write called back), for the next ones; and the one sealed for the next write. */
  const spare: Buffer[] = [];
  // Only the process's stdout (a file, pipe or terminal) is done with a buffer once its write calls back; a stream such
  // as a PassThrough hands the buffer itself on to its reader.
  const reusable = io.stdout === process.stdout;
  let sealed: Buffer | undefined;
  const seal = () => {
    if (raw && rawAt > 0) {
      bytes.push(raw.subarray(0, rawAt));
      held += rawAt;
      if (raw.length === WRITE_CHUNK) sealed = raw;
    }
    raw = undefined;
    rawAt = 0;
  };
  /** Writes what is held; the promise says whether stdout took it. */
  const send = (): Promise<boolean> | undefined => {
    seal();
    const chunk = text ? text : bytes.length > 0 ? (bytes.length === 1 ? bytes[0]! : Buffer.concat(bytes, held)) : undefined;
    const reuse = bytes.length === 1 ? sealed : undefined;
    sealed = undefined;
    text = '';
    bytes = [];
    held = 0;
    if (chunk === undefined || closed) return undefined;
    return new Promise<boolean>((resolve) => {
      io.stdout.write(chunk, (e) => {
        if (readerGone(e)) gone();
        if (reuse && !e && reusable) spare.push(reuse);
        resolve(!e);
      });
    });
  };
  let pending: Array<Promise<boolean>> = [];
  const sendMidBatch = () => {
    const p = send();
    if (p) pending.push(p);
  };
  const flush = async (): Promise<boolean> => {
    const last = send();
    const all = last ? [...pending, last] : pending;
    pending = [];
    const ok = (await Promise.all(all)).every(Boolean);
    return ok && !closed;
  };
  const base = { flush, onClosed: (cb: () => void) => void (onClosed = cb), close: () => void io.stdout.off('error', onError) };
  // Text and bytes never mix within one output form, so gathering each kind separately keeps the order.
  if ((output.kind === 'json' || output.kind === 'pretty') && decode) {
    // Decoding may fetch a schema: records wait for the end of their batch, then are decoded in order. On a failure
    // nothing of the batch is printed and flush says false, so its offsets are not committed.
    const render = output.kind === 'json' ? (r: InRecord, d: DecodedRecord) => `${recordJson(r, d)}\n` : (r: InRecord, d: DecodedRecord) => `${recordPretty(r, c, output.verbose, d)}\n`;
    let batch: InRecord[] = [];
    let failed = false;
    return {
      ...base,
      push(r) {
        if (!failed) batch.push(r);
      },
      async flush() {
        const records = batch;
        batch = [];
        if (failed) return false; // a batch fetched while the consumer stops: printed after the failure, never
        let rendered = '';
        try {
          for (const r of records) rendered += render(r, await decode(r));
        } catch (e) {
          failed = true;
          fail?.(e as Error);
          return false;
        }
        text += rendered;
        return flush();
      },
    };
  }
  if (output.kind === 'json' || output.kind === 'pretty') {
    const render = output.kind === 'json' ? (r: InRecord) => `${recordJson(r)}\n` : (r: InRecord) => `${recordPretty(r, c, output.verbose)}\n`;
    return {
      ...base,
      push(r) {
        text += render(r);
        if (text.length >= WRITE_CHUNK) sendMidBatch();
      },
    };
  }
  const add = (b: Buffer) => {
    bytes.push(b);
    held += b.length;
  };
  if (output.kind === 'raw') {
    // recordRaw's bytes (the value, a newline) copied into one buffer per write: no list entry or object per record.
    const pushValue = (buf: Buffer, start: number, end: number) => {
      const n = end < 0 ? 0 : end - start;
      if (raw && rawAt + n + 1 > raw.length) sendMidBatch();
      raw ??= n + 1 <= WRITE_CHUNK ? (spare.pop() ?? Buffer.allocUnsafe(WRITE_CHUNK)) : Buffer.allocUnsafe(n + 1);
      if (n > 0) rawAt += buf.copy(raw, rawAt, start, end);
      raw[rawAt++] = 0x0a;
    };
    return {
      ...base,
      pushValue,
      push: (r) => (r.value === null ? pushValue(NO_BYTES, 0, -1) : pushValue(r.value, 0, r.value.length)),
    };
  }
  return {
    ...base,
    push(r) {
      add(output.render(r));
      if (held >= WRITE_CHUNK) sendMidBatch();
    },
  };
}
