// kproduce's behaviour: read records, send them in bounded batches, print one delivery report per ack.
import type { Readable } from 'node:stream';
import { EXIT, KtoolError } from './errors.js';
import { err, out, type Io } from './io.js';
import { paint } from './cli/style.js';
import { readLines } from './input.js';
import { mapKafkaError, openProducer, withDeadline, type Acks, type ConnectionOptions, type OutRecord } from './kafka.js';
import { reportJson, reportPretty, type Report } from './format.js';

export interface ProduceOptions {
  connection: ConnectionOptions;
  topic: string;
  /** One record per argument; when empty, one record per line of `input`. */
  messages: string[];
  input?: Readable;
  key?: string;
  partition?: number;
  acks: Acks;
  json: boolean;
  signal?: AbortSignal;
  /** Records per request; at most two batches are held in memory, whatever the input's length. */
  batchSize?: number;
}

export interface ProduceResult {
  acknowledged: number;
  failed: number;
  elapsedMs: number;
  interrupted: boolean;
}

export async function produce(io: Io, o: ProduceOptions): Promise<ProduceResult> {
  const started = Date.now();
  const batchSize = o.batchSize ?? 500;
  const c = paint(io, 'stdout');
  const producer = await openProducer({ ...o.connection, acks: o.acks }).catch((e) => {
    throw mapKafkaError(e, o.connection, o.topic);
  });
  const print = (r: Report) => out(io, o.json ? reportJson(r) : reportPretty(r, c));

  // Reader and sender meet in a bounded queue: the reader waits while two batches are queued (backpressure).
  const queue: OutRecord[] = [];
  let readerDone = false;
  let wakeSender: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  let failure: KtoolError | undefined;
  let acknowledged = 0;
  let failed = 0;
  const stopped = () => failure !== undefined || o.signal?.aborted === true;

  const reader = (async () => {
    const source: AsyncIterable<string> = o.messages.length > 0 ? toAsync(o.messages) : readLines(o.input ?? io.stdin);
    try {
      for await (const line of source) {
        if (stopped()) break;
        queue.push({ key: o.key ?? null, value: line, ...(o.partition === undefined ? {} : { partition: o.partition }) });
        wakeSender?.();
        while (queue.length >= 2 * batchSize && !stopped()) await new Promise<void>((r) => (wakeReader = r));
      }
    } finally {
      readerDone = true;
      wakeSender?.();
    }
  })();
  o.signal?.addEventListener('abort', () => {
    wakeReader?.();
    wakeSender?.();
  });

  try {
    for (;;) {
      if (queue.length === 0) {
        if (readerDone || stopped()) break;
        await new Promise<void>((r) => (wakeSender = r));
        continue;
      }
      const batch = queue.splice(0, batchSize);
      wakeReader?.();
      const sentAt = Date.now();
      try {
        const deliveries = await withDeadline(producer.send(o.topic, batch), o.connection.timeoutMs, () =>
          new KtoolError('ACK_TIMEOUT', `no acknowledgement within ${o.connection.timeoutMs} ms`, { exitCode: EXIT.unreachable, hint: 'is the broker up? --timeout MS waits longer' }),
        );
        const latencyMs = Date.now() - sentAt;
        deliveries.forEach((d, i) => print({ ...d, key: keyText(batch[i]), latencyMs }));
        acknowledged += deliveries.length;
      } catch (e) {
        failure = mapKafkaError(e, o.connection, o.topic);
        failed += batch.length;
        for (const r of batch) print({ topic: o.topic, partition: r.partition ?? -1, offset: null, key: keyText(r), latencyMs: Date.now() - sentAt, error: failure.message });
      }
    }
  } finally {
    await reader.catch(() => {});
    // What the reader queued after a failure or Ctrl-C was never sent: count it, do not report it as delivered.
    failed += queue.splice(0).length;
    await producer.close().catch(() => {});
  }

  const elapsedMs = Date.now() - started;
  const interrupted = o.signal?.aborted === true;
  if (failure) {
    if (acknowledged === 0 && failed === 1) throw failure;
    throw new KtoolError(failure.code, `${failed} of ${acknowledged + failed} messages were not acknowledged: ${failure.message}`, {
      exitCode: failure.exitCode,
      ...(failure.hint ? { hint: failure.hint } : {}),
      cause: failure,
    });
  }
  if (acknowledged === 0 && !interrupted && o.messages.length === 0) {
    throw new KtoolError('EMPTY_INPUT', 'no messages: the input was empty', { exitCode: EXIT.usage, hint: 'pass messages as arguments, or pipe lines on stdin' });
  }
  if (o.messages.length === 0) {
    const rate = elapsedMs > 0 ? Math.round((acknowledged * 1000) / elapsedMs) : acknowledged;
    err(io, `kproduce: ${acknowledged} messages acknowledged in ${elapsedMs} ms (${rate} msg/s)${interrupted ? ', interrupted' : ''}`);
  }
  return { acknowledged, failed, elapsedMs, interrupted };
}

function keyText(r: OutRecord | undefined): string | null {
  if (!r || r.key === null) return null;
  return typeof r.key === 'string' ? r.key : r.key.toString('utf8');
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
