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
  logEnd: bigint;
  /** logEnd - committed; null without a committed offset. */
  lag: bigint | null;
  /** The member assigned this partition, if any. */
  memberId: string | null;
}

export interface GroupDescription extends GroupSummary {
  memberList: GroupMember[];
  partitions: PartitionLag[];
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
    partitions: d.partitions.map((p) => ({ topic: p.topic, partition: p.partition, committed: num(p.committed), logEnd: Number(p.logEnd), lag: num(p.lag), memberId: p.memberId })),
    totalLag: Number(d.totalLag),
  });
}

export function descriptionLines(d: GroupDescription, c: ChalkInstance): string[] {
  const lines = [`${c.bold.cyan(d.group)}  state ${stateColour(d.state, c)}  protocol ${d.protocol || '-'}  members ${d.memberList.length}  total lag ${d.totalLag > 0n ? c.yellow(String(d.totalLag)) : String(d.totalLag)}`];
  if (d.memberList.length > 0) {
    const rows = d.memberList.map((m) => [m.clientId, m.host, assigned(m.assignment) || c.dim('(nothing)'), c.dim(m.memberId)]);
    lines.push(...table([['CLIENT ID', 'HOST', 'ASSIGNED', 'MEMBER ID'].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`));
  }
  if (d.partitions.length === 0) {
    lines.push(c.dim('  no committed offsets'));
  } else {
    const client = (id: string | null) => d.memberList.find((m) => m.memberId === id)?.clientId ?? '-';
    const rows = d.partitions.map((p) => [p.topic, String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.logEnd), p.lag === null ? '-' : p.lag > 0n ? c.yellow(String(p.lag)) : String(p.lag), client(p.memberId)]);
    lines.push(...table([['TOPIC', 'PARTITION', 'COMMITTED', 'LOG END', 'LAG', 'CLIENT ID'].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`));
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
