// kgroups output: group summaries, descriptions (members, offsets, lag) and reset plans as JSON lines or aligned text. Pure.
import type { ChalkInstance } from 'chalk';
import type { GroupMember } from '../kafka/index.js';
import { table } from '../cli/table.js';

export interface GroupSummary {
  group: string;
  state: string;
  members: number;
  protocolType: string;
  protocol: string;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** null: the group has committed nothing on this partition. */
  committed: bigint | null;
  logStart: bigint;
  logEnd: bigint;
  /**
   * logEnd - committed; without a committed offset, logEnd - logStart: what the group has to read there if it starts
   * from the beginning. Never 0 for "nothing committed" (notCommitted says which it is).
   */
  lag: bigint;
  notCommitted: boolean;
  /** The member assigned this partition, if any. */
  memberId: string | null;
}

export interface GroupDescription extends GroupSummary {
  memberList: GroupMember[];
  partitions: PartitionLag[];
  /** Every partition's lag, those not committed (counted from the log start) included. */
  totalLag: bigint;
}

export interface ResetRow {
  topic: string;
  partition: number;
  current: bigint | null;
  target: bigint;
}

const num = (n: bigint | null) => (n === null ? null : Number(n));
const assigned = (a: Record<string, number[]>) => Object.entries(a).sort(([x], [y]) => x.localeCompare(y)).map(([t, ps]) => `${t}[${[...ps].sort((p, q) => p - q).join(',')}]`).join(' ');

export function summaryJson(g: GroupSummary): string {
  return JSON.stringify(g);
}

export function summaryLines(groups: GroupSummary[], c: ChalkInstance): string[] {
  const rows = groups.map((g) => [c.cyan(g.group), stateColour(g.state, c), String(g.members), g.protocol || c.dim('-')]);
  return table([['GROUP', 'STATE', 'MEMBERS', 'PROTOCOL'].map((h) => c.dim(h)), ...rows]);
}

function stateColour(state: string, c: ChalkInstance): string {
  return state === 'Stable' ? c.green(state) : state === 'Empty' ? c.dim(state) : c.yellow(state);
}

export function descriptionJson(d: GroupDescription): string {
  return JSON.stringify({
    group: d.group,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    members: d.memberList.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, assignment: m.assignment })),
    partitions: d.partitions.map((p) => ({ topic: p.topic, partition: p.partition, committed: num(p.committed), logStart: Number(p.logStart), logEnd: Number(p.logEnd), lag: Number(p.lag), notCommitted: p.notCommitted, memberId: p.memberId })),
    totalLag: Number(d.totalLag),
  });
}

/** Marks a lag counted from the log start because the group has no committed offset there. */
const NOT_COMMITTED = '*';

export function descriptionLines(d: GroupDescription, c: ChalkInstance): string[] {
  const uncommitted = d.partitions.filter((p) => p.notCommitted).length;
  const total = `${d.totalLag > 0n ? c.yellow(String(d.totalLag)) : String(d.totalLag)}${uncommitted > 0 ? NOT_COMMITTED : ''}`;
  const lines = [`${c.bold.cyan(d.group)}  state ${stateColour(d.state, c)}  protocol ${d.protocol || '-'}  members ${d.memberList.length}  total lag ${total}`];
  if (d.memberList.length > 0) {
    const rows = d.memberList.map((m) => [m.clientId, m.host, assigned(m.assignment) || c.dim('(nothing)'), c.dim(m.memberId)]);
    lines.push(...table([['CLIENT ID', 'HOST', 'ASSIGNED', 'MEMBER ID'].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`));
  }
  if (d.partitions.length === 0) {
    lines.push(c.dim('  no committed offsets'));
  } else {
    const client = (id: string | null) => d.memberList.find((m) => m.memberId === id)?.clientId ?? '-';
    const lag = (p: PartitionLag) => `${p.lag > 0n ? c.yellow(String(p.lag)) : String(p.lag)}${p.notCommitted ? NOT_COMMITTED : ''}`;
    const rows = d.partitions.map((p) => [p.topic, String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.logEnd), lag(p), client(p.memberId)]);
    lines.push(...table([['TOPIC', 'PARTITION', 'COMMITTED', 'LOG END', 'LAG', 'CLIENT ID'].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`));
    if (uncommitted > 0) {
      lines.push(c.dim(`  ${NOT_COMMITTED} not committed: the group has no offset on ${uncommitted === 1 ? 'this partition' : `these ${uncommitted} partitions`}; lag counted from the log start (where --from-beginning starts; without it, a consumer starts at the end)`));
    }
  }
  return lines;
}

export function resetJson(group: string, rows: ResetRow[], dryRun: boolean): string {
  return JSON.stringify({ group, dryRun, partitions: rows.map((r) => ({ topic: r.topic, partition: r.partition, current: num(r.current), new: Number(r.target) })) });
}

export function resetLines(group: string, rows: ResetRow[], dryRun: boolean, c: ChalkInstance): string[] {
  const head = dryRun ? `${c.yellow('dry run')}: group ${c.cyan(group)} would move (nothing changed)` : `${c.green('✔')} group ${c.cyan(group)} moved`;
  const body = rows.map((r) => [`${r.topic}[${r.partition}]`, r.current === null ? '-' : String(r.current), '→', String(r.target)]);
  return [head, ...table([['PARTITION', 'CURRENT', '', 'NEW'].map((h) => c.dim(h)), ...body]).map((l) => `  ${l}`)];
}
