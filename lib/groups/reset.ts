// kgroups reset: plans new committed offsets for a group on one topic (pure), shows the plan, and applies it unless --dry-run.
import { paint } from '../cli/style.js';
import { EXIT, KtoolError } from '../errors.js';
import { out, type Io } from '../io.js';
import { groupOffsets, offsetsForTime, setGroupOffsets, topicOffsets, type ConnectionOptions } from '../kafka/index.js';
import { requireGroup } from './groups.js';
import { resetJson, resetLines, type ResetRow } from './format.js';

export type ResetTarget =
  | { to: 'earliest' }
  | { to: 'latest' }
  | { to: 'offset'; offset: bigint }
  /** Epoch ms: the first record at or after it, else the end. */
  | { to: 'datetime'; timestamp: number }
  | { to: 'shift'; by: bigint };

export interface PartitionState {
  partition: number;
  low: bigint;
  high: bigint;
  /** null: nothing committed. */
  committed: bigint | null;
  /** For --to-datetime: the offset the broker found for the time. */
  atTime?: bigint;
}

const clamp = (x: bigint, low: bigint, high: bigint) => (x < low ? low : x > high ? high : x);

/**
 * The new offset of each partition, always within [earliest, latest]. --shift-by moves from the committed offset; a
 * partition with nothing committed shifts from the log end, where a group without committed offsets starts by default.
 */
export function planReset(topic: string, partitions: PartitionState[], target: ResetTarget): ResetRow[] {
  return [...partitions]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => {
      const wanted =
        target.to === 'earliest' ? p.low
        : target.to === 'latest' ? p.high
        : target.to === 'offset' ? target.offset
        : target.to === 'datetime' ? (p.atTime === undefined || p.atTime < 0n ? p.high : p.atTime)
        : (p.committed ?? p.high) + target.by;
      return { topic, partition: p.partition, current: p.committed, target: clamp(wanted, p.low, p.high) };
    });
}

export interface ResetOptions {
  connection: ConnectionOptions;
  json: boolean;
  group: string;
  topic: string;
  target: ResetTarget;
  dryRun: boolean;
}

export async function groupsReset(io: Io, o: ResetOptions): Promise<ResetRow[]> {
  const info = await requireGroup(o.connection, o.group);
  // Kafka would overwrite the new offsets with the members' next commit: only an idle group can be moved.
  if (info.members.length > 0) {
    throw new KtoolError('GROUP_ACTIVE', `group "${o.group}" has ${info.members.length} active member${info.members.length > 1 ? 's' : ''} (state ${info.state}); only a group with no running consumer can be reset`, {
      exitCode: EXIT.failed,
      hint: `stop its consumers first (\`kgroups describe ${o.group}\` lists them), then retry`,
    });
  }
  const [ends, committed, atTime] = await Promise.all([
    topicOffsets(o.connection, o.topic),
    groupOffsets(o.connection, o.group, [o.topic]),
    o.target.to === 'datetime' ? offsetsForTime(o.connection, o.topic, o.target.timestamp) : Promise.resolve(undefined),
  ]);
  const state: PartitionState[] = ends.map((e) => {
    const c = committed.find((x) => x.partition === e.partition)?.offset ?? -1n;
    const t = atTime?.get(e.partition);
    return { partition: e.partition, low: BigInt(e.low), high: BigInt(e.high), committed: c >= 0n ? c : null, ...(t === undefined ? {} : { atTime: t }) };
  });
  const rows = planReset(o.topic, state, o.target);
  if (!o.dryRun) await setGroupOffsets(o.connection, o.group, o.topic, rows.map((r) => ({ partition: r.partition, offset: r.target })));
  if (o.json) out(io, resetJson(o.group, rows, o.dryRun));
  else resetLines(o.group, rows, o.dryRun, paint(io, 'stdout')).forEach((l) => out(io, l));
  return rows;
}

export interface TargetFlags {
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: bigint;
  toDatetime?: number;
  shiftBy?: bigint;
}

/** The one target the flags name (commander already refuses two of them together). */
export function targetFrom(f: TargetFlags): ResetTarget {
  if (f.toEarliest) return { to: 'earliest' };
  if (f.toLatest) return { to: 'latest' };
  if (f.toOffset !== undefined) return { to: 'offset', offset: f.toOffset };
  if (f.toDatetime !== undefined) return { to: 'datetime', timestamp: f.toDatetime };
  if (f.shiftBy !== undefined) return { to: 'shift', by: f.shiftBy };
  throw new KtoolError('USAGE', 'no reset target given', { exitCode: EXIT.usage, hint: 'pass one of --to-earliest, --to-latest, --to-offset N, --to-datetime WHEN, --shift-by N' });
}
