// kconsume's behaviour: join a group, print records, stop on a limit, at the end (-e) or on Ctrl-C; offsets committed first.
import { randomBytes } from 'node:crypto';
import { EXIT, KtoolError } from './errors.js';
import { err, out, type Io } from './io.js';
import { paint, progress } from './cli/style.js';
import { committedOffsets, deleteGroup, mapKafkaError, openConsumer, topicOffsets, type ConnectionOptions, type InRecord } from './kafka.js';
import { recordJson, recordPretty } from './format.js';

export interface ConsumeOptions {
  connection: ConnectionOptions;
  topics: string[];
  /** Without one, a throwaway group is used and deleted at exit, so nobody's offsets move. */
  groupId?: string;
  fromBeginning: boolean;
  maxMessages?: number;
  /** Stop when every assigned partition has been read to the end it had at start. */
  exitAtEnd: boolean;
  json: boolean;
  signal?: AbortSignal;
}

export interface ConsumeResult {
  consumed: number;
  groupId: string;
  interrupted: boolean;
}

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export async function consume(io: Io, o: ConsumeOptions): Promise<ConsumeResult> {
  const throwaway = o.groupId === undefined;
  const groupId = o.groupId ?? `kconsume-${randomBytes(6).toString('hex')}`;
  const c = paint(io, 'stdout');
  const cErr = paint(io, 'stderr');

  // For -e: each partition's offsets at start (the end to reach), and the next offset to read on each assigned partition.
  const bounds = new Map<string, { low: bigint; high: bigint }>();
  if (o.exitAtEnd) {
    for (const topic of o.topics) {
      for (const p of await topicOffsets(o.connection, topic)) bounds.set(tp(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
    }
  }
  const position = new Map<string, bigint>();
  let assigned: string[] | undefined;
  let consumed = 0;
  let finish!: (error?: Error) => void;
  const finished = new Promise<Error | undefined>((resolve) => (finish = resolve));

  const atEnd = () => assigned !== undefined && assigned.every((k) => (position.get(k) ?? -1n) >= (bounds.get(k)?.high ?? 0n));
  const spinner = progress(io, `joining group ${groupId}`);

  const consumer = await openConsumer(
    { ...o.connection, groupId, topics: o.topics, fromBeginning: o.fromBeginning },
    {
      onRecord(r: InRecord) {
        spinner.stop();
        out(io, o.json ? recordJson(r) : recordPretty(r, c));
        consumed += 1;
        position.set(tp(r.topic, r.partition), BigInt(r.offset) + 1n);
        const done = (o.maxMessages !== undefined && consumed >= o.maxMessages) || (o.exitAtEnd && atEnd());
        if (done) finish();
        return !done;
      },
      onAssigned(assignment) {
        spinner.stop();
        const parts = Object.entries(assignment).map(([t, ps]) => `${t}[${[...ps].sort((a, b) => a - b).join(',')}]`);
        err(io, cErr.dim(`group ${throwaway ? '(throwaway) ' : ''}${groupId}: assigned ${parts.length ? parts.join(' ') : 'nothing (more members than partitions)'}`));
        const keys = Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => tp(t, p)));
        if (o.exitAtEnd) void startPositions(assignment).then(() => atEnd() && finish(), finish);
        assigned = keys;
      },
      onCrash: (e) => finish(mapKafkaError(e, o.connection)),
    },
  ).catch((e) => {
    spinner.stop();
    throw mapKafkaError(e, o.connection, o.topics.join(','));
  });

  /** Where reading starts on newly assigned partitions: the committed offset, else the beginning or the end. */
  async function startPositions(assignment: Record<string, number[]>): Promise<void> {
    for (const [topic, partitions] of Object.entries(assignment)) {
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

  const onAbort = () => finish();
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) finish();
  const failure = await finished;
  o.signal?.removeEventListener('abort', onAbort);
  spinner.stop();
  // stop() lets kafkajs commit what onRecord printed, then leave the group.
  await consumer.stop().catch(() => {});
  await consumer.close().catch(() => {});
  if (throwaway) await deleteGroup(o.connection, groupId).catch(() => {});
  if (failure) throw failure instanceof KtoolError ? failure : new KtoolError('CONSUMER_FAILED', failure.message, { exitCode: EXIT.failed, cause: failure });
  return { consumed, groupId, interrupted: o.signal?.aborted === true };
}
