// ktopics output: topic summaries, descriptions and changes as JSON lines (README "ktopics") or aligned text. Pure.
import type { ChalkInstance } from 'chalk';
import { table } from '../cli/table.js';

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export interface PartitionDescription {
  partition: number;
  /** -1 when the partition has no leader (offline). */
  leader: number;
  replicas: number[];
  isr: number[];
  /** No leader: nothing can be read from or written to it until one of its replicas returns. */
  offline: boolean;
  /** null when the leader did not answer (or there is none): unknown, never guessed. */
  earliest: bigint | null;
  latest: bigint | null;
  /** latest - earliest: exact for plain topics; an upper bound on compacted or transactional ones; null if unknown. */
  messages: bigint | null;
  underReplicated: boolean;
}

export interface TopicDescription {
  topic: string;
  replicationFactor: number;
  partitions: PartitionDescription[];
  /** How many partitions have fewer in-sync replicas than replicas. */
  underReplicated: number;
  /** How many partitions have no leader. */
  offline: number;
  /** Configs set on the topic itself; null for a sensitive value; null as a whole when no broker returned them. */
  configs: Record<string, string | null> | null;
  /** What could not be learnt, and why (a leader that did not answer...): printed as warnings on stderr. */
  problems: string[];
}

/** A partition is under-replicated when some replica is not in sync (ISR smaller than the replica set). */
export function isUnderReplicated(p: { replicas: number[]; isr: number[] }): boolean {
  return p.isr.length < p.replicas.length;
}

/** Replication factor of a topic: the size of its partitions' replica sets (the largest, should they differ). */
export function replicationFactor(partitions: Array<{ replicas: number[] }>): number {
  return partitions.reduce((max, p) => Math.max(max, p.replicas.length), 0);
}

export function summaryJson(t: TopicSummary): string {
  return JSON.stringify(t);
}

export function summaryLines(topics: TopicSummary[], c: ChalkInstance): string[] {
  const rows = topics.map((t) => [c.cyan(t.name), String(t.partitions), String(t.replicationFactor), t.internal ? c.dim('internal') : '']);
  return table([[c.dim('TOPIC'), c.dim('PARTITIONS'), c.dim('RF'), ''], ...rows]);
}

export function descriptionJson(d: TopicDescription): string {
  return JSON.stringify({
    topic: d.topic,
    partitionCount: d.partitions.length,
    replicationFactor: d.replicationFactor,
    underReplicated: d.underReplicated,
    offline: d.offline,
    partitions: d.partitions.map((p) => ({ ...p, earliest: num(p.earliest), latest: num(p.latest), messages: num(p.messages) })),
    configs: d.configs,
    problems: d.problems,
  });
}

const num = (n: bigint | null) => (n === null ? null : Number(n));

export function descriptionLines(d: TopicDescription, c: ChalkInstance): string[] {
  const under = d.underReplicated > 0 ? c.red.bold(`under-replicated ${d.underReplicated}`) : c.green('all replicas in sync');
  const offline = d.offline > 0 ? `  ${c.red.bold(`offline ${d.offline}`)}` : '';
  const head = `${c.bold.cyan(d.topic)}  partitions ${d.partitions.length}  replication ${d.replicationFactor}  ${under}${offline}`;
  const shown = (n: bigint | null) => (n === null ? '-' : String(n));
  const rows = d.partitions.map((p) => {
    const cells = [String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(',') || '-', shown(p.earliest), shown(p.latest), shown(p.messages)];
    const state = p.offline ? 'offline' : p.underReplicated ? 'under-replicated' : '';
    return state ? [...cells.map((x) => c.red(x)), c.red.bold(state)] : [...cells, ''];
  });
  const lines = [head, ...table([['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'MESSAGES', ''].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`)];
  const configs = Object.entries(d.configs ?? {});
  lines.push(d.configs === null ? c.dim('  configs: unknown (see the warning)') : configs.length === 0 ? c.dim('  configs: broker defaults') : c.dim('  configs set on the topic:'));
  for (const [name, value] of configs) lines.push(`    ${name}=${value ?? c.dim('(sensitive)')}`);
  return lines;
}

export interface ConfigChange {
  name: string;
  before: string | null;
  after: string | null;
}

/** Which configs an alter changes, given the topic's configs before and after (null: not set on the topic). */
export function configChanges(before: Record<string, string | null>, after: Record<string, string | null>): ConfigChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.map((name) => ({ name, before: before[name] ?? null, after: after[name] ?? null })).filter((x) => x.before !== x.after);
}
