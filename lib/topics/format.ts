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
  earliest: bigint;
  latest: bigint;
  /** latest - earliest: exact for plain topics; an upper bound on compacted or transactional ones. */
  messages: bigint;
  underReplicated: boolean;
}

export interface TopicDescription {
  topic: string;
  replicationFactor: number;
  partitions: PartitionDescription[];
  /** How many partitions have fewer in-sync replicas than replicas. */
  underReplicated: number;
  /** Configs set on the topic itself; null for a sensitive value. */
  configs: Record<string, string | null>;
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
    partitions: d.partitions.map((p) => ({ ...p, earliest: Number(p.earliest), latest: Number(p.latest), messages: Number(p.messages) })),
    configs: d.configs,
  });
}

export function descriptionLines(d: TopicDescription, c: ChalkInstance): string[] {
  const under = d.underReplicated > 0 ? c.red.bold(`under-replicated ${d.underReplicated}`) : c.green('all replicas in sync');
  const head = `${c.bold.cyan(d.topic)}  partitions ${d.partitions.length}  replication ${d.replicationFactor}  ${under}`;
  const rows = d.partitions.map((p) => {
    const cells = [String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(','), String(p.earliest), String(p.latest), String(p.messages)];
    return p.underReplicated ? [...cells.map((x) => c.red(x)), c.red.bold('under-replicated')] : [...cells, ''];
  });
  const lines = [head, ...table([['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'MESSAGES', ''].map((h) => c.dim(h)), ...rows]).map((l) => `  ${l}`)];
  const configs = Object.entries(d.configs);
  lines.push(configs.length === 0 ? c.dim('  configs: broker defaults') : c.dim('  configs set on the topic:'));
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
