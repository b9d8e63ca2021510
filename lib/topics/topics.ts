// ktopics: list, describe, create, delete and alter topics through the admin client; lib/topics/format.ts renders them.
import { paint } from '../cli/style.js';
import { confirm } from '../cli/confirm.js';
import { EXIT, invalidTopic, KtoolError, unknownTopics, usageError } from '../errors.js';
import { isValidTopicName } from '../cli/options.js';
import { err, out, type Io } from '../io.js';
import {
  addPartitions,
  adminError,
  allTopicNames,
  createTopic,
  deleteTopics,
  describeBrokers,
  fetchTopics,
  isInternalTopic,
  offsetsByLeader,
  PROPAGATION_WINDOW_MS,
  replaceTopicConfigs,
  type PartitionOffsets,
  topicConfigs,
  topicOffsets,
  type ConnectionOptions,
} from '../kafka/index.js';
import {
  configChanges,
  descriptionJson,
  descriptionLines,
  isUnderReplicated,
  replicationFactor,
  summaryJson,
  summaryLines,
  type ConfigChange,
  type TopicDescription,
  type TopicSummary,
} from './format.js';

interface Common {
  connection: ConnectionOptions;
  json: boolean;
}

/**
 * Fails with unknownTopics for names the cluster does not have. Each broker learns of a new topic from the metadata
 * log on its own time, and kafkajs may ask any of them: on a cluster of several brokers a name missing is asked again
 * (every 250 ms, for up to 3 s or the timeout) before it is called unknown, so `ktopics create T && ktopics describe
 * T` never says T does not exist. A single broker answers for itself: no wait there.
 */
async function requireTopics(connection: ConnectionOptions, names: string[]): Promise<void> {
  let until: number | undefined;
  for (;;) {
    const have = new Set(await allTopicNames(connection));
    const missing = names.filter((n) => !have.has(n));
    if (missing.length === 0) return;
    until ??= (await describeBrokers(connection)).brokers.length > 1 ? Date.now() + Math.min(connection.timeoutMs, PROPAGATION_WINDOW_MS) : 0;
    if (Date.now() >= until) throw unknownTopics(missing);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function topicsList(io: Io, o: Common & { internal: boolean }): Promise<TopicSummary[]> {
  const topics = (await fetchTopics(o.connection))
    .filter((t) => o.internal || !isInternalTopic(t.name))
    .map((t) => ({ name: t.name, partitions: t.partitions.length, replicationFactor: replicationFactor(t.partitions), internal: isInternalTopic(t.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (o.json) topics.forEach((t) => out(io, summaryJson(t)));
  else summaryLines(topics, paint(io, 'stdout')).forEach((l) => out(io, l));
  return topics;
}

/**
 * What the cluster can tell of a topic, even degraded: partitions without a leader (offline) or with replicas out of sync
 * are shown as such; offsets are asked of each leader alone, absent (null) where the leader does not answer; the
 * configs are null if no broker returns them. `problems` says what is missing and why.
 */
export async function describeTopic(connection: ConnectionOptions, topic: string): Promise<TopicDescription> {
  await requireTopics(connection, [topic]);
  const [meta] = await fetchTopics(connection, [topic]);
  const parts = meta?.partitions ?? [];
  const problems: string[] = [];
  const [offsets, configs, cluster] = await Promise.all([
    offsetsByLeader(connection, topic, parts),
    topicConfigs(connection, topic).catch((e: KtoolError) => {
      problems.push(`configs unknown: ${e.message}`);
      return null;
    }),
    describeBrokers(connection).catch(() => undefined),
  ]);
  const partitions = parts.map((p, i) => {
    const o = offsets[i]!;
    const known = 'low' in o;
    const earliest = known ? BigInt(o.low) : null;
    const latest = known ? BigInt(o.high) : null;
    return {
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      offline: p.leader < 0,
      earliest,
      latest,
      messages: earliest !== null && latest !== null ? latest - earliest : null,
      underReplicated: isUnderReplicated(p),
    };
  });
  // One line per reason, naming its partitions: "partitions 0, 2: offline: no leader".
  const reasons = new Map<string, number[]>();
  offsets.forEach((o) => 'error' in o && reasons.set(o.error.message, [...(reasons.get(o.error.message) ?? []), o.partition]));
  for (const [why, ids] of reasons) problems.unshift(`partition${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: no offsets: ${why}`);
  const quorum = cluster && majorityDown(cluster.brokers.map((b) => b.nodeId), parts, offsets);
  if (quorum) problems.push(quorum);
  return {
    topic,
    replicationFactor: replicationFactor(partitions),
    partitions,
    underReplicated: partitions.filter((p) => p.underReplicated).length,
    offline: partitions.filter((p) => p.offline).length,
    configs: configs && Object.fromEntries(configs.map((x) => [x.name, x.value])),
    problems,
  };
}

/**
 * Whether most of the brokers this topic's replicas live on are down: gone from the cluster's metadata (fenced), or
 * listed there but refusing connections (no controller has fenced them). With KRaft nodes that are brokers and
 * controllers at once (kstack's), that is a lost metadata quorum: leaders cannot move until enough nodes return. The
 * controllers themselves cannot be asked through kafkajs (no DescribeQuorum), hence "if".
 */
export function majorityDown(listed: number[], parts: Array<{ replicas: number[] }>, offsets: PartitionOffsets[]): string | undefined {
  const known = new Set([...listed, ...parts.flatMap((p) => p.replicas)]);
  const gone = [...known].filter((id) => !listed.includes(id));
  const refusing = [...new Set(offsets.flatMap((o) => ('unreachable' in o && o.unreachable !== undefined ? [o.unreachable] : [])))].filter((id) => listed.includes(id));
  const down = [...gone, ...refusing].sort((a, b) => a - b);
  if (known.size < 2 || down.length * 2 <= known.size) return undefined;
  const why = [
    gone.length > 0 ? `${gone.join(', ')} ${gone.length > 1 ? 'have' : 'has'} left the cluster's metadata` : '',
    refusing.length > 0 ? `${refusing.join(', ')} ${refusing.length > 1 ? 'refuse' : 'refuses'} connections, yet the metadata still lists ${refusing.length > 1 ? 'them' : 'it'} (no controller fenced ${refusing.length > 1 ? 'them' : 'it'})` : '',
  ].filter(Boolean).join('; ');
  return `brokers ${down.join(', ')} of ${[...known].sort((a, b) => a - b).join(', ')} are down (${why}): a majority. If they also run the KRaft controllers (kstack's nodes do), the metadata quorum is lost: no leader moves, no ISR shrinks and no topic changes until enough of them return`;
}

export async function topicsDescribe(io: Io, o: Common & { topics: string[] }): Promise<TopicDescription[]> {
  const c = paint(io, 'stdout');
  const all: TopicDescription[] = [];
  for (const topic of o.topics) {
    const d = await describeTopic(o.connection, topic);
    all.push(d);
    if (o.json) out(io, descriptionJson(d));
    else descriptionLines(d, c).forEach((l) => out(io, l));
    // What could not be shown, and why: diagnostics, on stderr.
    for (const p of d.problems) err(io, `warning: ${topic}: ${p}`);
  }
  return all;
}

export interface CreateOptions extends Common {
  topic: string;
  partitions: number;
  /** undefined: the brokers' default.replication.factor. */
  replicationFactor?: number;
  configs: Array<[string, string]>;
  ifNotExists: boolean;
}

export async function topicsCreate(io: Io, o: CreateOptions): Promise<{ topic: string; created: boolean; partitions: number; replicationFactor: number }> {
  if (!isValidTopicName(o.topic)) throw invalidTopic(o.topic);
  const configs = Object.fromEntries(o.configs);
  // Asked first because kafkajs's createTopics answers false both for "already there" and when a retry of its own
  // finds the topic its first attempt created (seen on three brokers).
  const existed = (await allTopicNames(o.connection)).includes(o.topic);
  if (existed && !o.ifNotExists) {
    throw adminError('TOPIC_ALREADY_EXISTS', undefined, o.topic)!;
  }
  if (!existed) {
    try {
      // -1 asks the broker for its default.replication.factor (KIP-464).
      await createTopic(o.connection, o.topic, o.partitions, o.replicationFactor ?? -1, configs);
    } catch (e) {
      throw await explainReplication(o.connection, e);
    }
  }
  const created = !existed;
  const [meta] = await fetchTopics(o.connection, [o.topic]);
  const result = { topic: o.topic, created, partitions: meta?.partitions.length ?? o.partitions, replicationFactor: replicationFactor(meta?.partitions ?? []) };
  const c = paint(io, 'stdout');
  // The topic's configs as the broker has them: an existing topic keeps its own, whatever --config asked for.
  if (o.json) out(io, JSON.stringify({ ...result, configs: Object.fromEntries((await topicConfigs(o.connection, o.topic)).map((x) => [x.name, x.value])) }));
  else if (created) out(io, `${c.green('✔')} created ${c.cyan(o.topic)}: ${result.partitions} partitions, replication ${result.replicationFactor}`);
  else out(io, `${c.dim('•')} ${c.cyan(o.topic)} already exists (${result.partitions} partitions, replication ${result.replicationFactor}); left as it is`);
  return result;
}

/** INVALID_REPLICATION_FACTOR, with the number of brokers the cluster has. */
async function explainReplication(connection: ConnectionOptions, e: unknown): Promise<unknown> {
  if (!(e instanceof KtoolError) || e.code !== 'INVALID_REPLICATION_FACTOR') return e;
  const brokers = (await describeBrokers(connection).catch(() => undefined))?.brokers.length;
  if (brokers === undefined) return e;
  return new KtoolError(e.code, `the replication factor is larger than the number of brokers (${brokers})`, {
    hint: `each replica needs its own broker: use -r ${brokers} or less (this cluster has ${brokers} broker${brokers === 1 ? '' : 's'})`,
    cause: e.cause,
  });
}

export interface DeleteOptions extends Common {
  topics: string[];
  yes: boolean;
}

export async function topicsDelete(io: Io, o: DeleteOptions): Promise<string[]> {
  const topics = [...new Set(o.topics)];
  await requireTopics(o.connection, topics);
  if (!o.yes) {
    const ok = await confirm(io, `delete topic${topics.length > 1 ? 's' : ''} ${topics.join(', ')} and every record in ${topics.length > 1 ? 'them' : 'it'}?`);
    if (!ok) throw new KtoolError('NOT_CONFIRMED', 'nothing deleted: not confirmed', { hint: 'answer y to delete, or pass --yes' });
  }
  await deleteTopics(o.connection, topics);
  const c = paint(io, 'stdout');
  for (const topic of topics) out(io, o.json ? JSON.stringify({ topic, deleted: true }) : `${c.green('✔')} deleted ${c.cyan(topic)}`);
  return topics;
}

export interface AlterOptions extends Common {
  topic: string;
  partitions?: number;
  set: Array<[string, string]>;
  unset: string[];
}

export interface AlterResult {
  topic: string;
  partitions?: { before: number; after: number };
  configs: ConfigChange[];
}

/**
 * Kafka's non-incremental AlterConfigs (all kafkajs offers) replaces every config set on the topic, so the new set is
 * the current one (describeConfigs) with the changes applied: altering one key keeps the others.
 */
export function mergeConfigs(current: Record<string, string | null>, set: Array<[string, string]>, unset: string[]): Record<string, string> {
  const sensitive = Object.keys(current).filter((k) => current[k] === null && !unset.includes(k) && !set.some(([n]) => n === k));
  if (sensitive.length > 0) {
    throw new KtoolError('SENSITIVE_CONFIG', `cannot keep the sensitive config${sensitive.length > 1 ? 's' : ''} ${sensitive.join(', ')}: brokers never return their values`, {
      hint: `give ${sensitive.length > 1 ? 'their' : 'its'} value again with --config NAME=VALUE, or drop ${sensitive.length > 1 ? 'them' : 'it'} with --delete-config NAME`,
    });
  }
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (v !== null && !unset.includes(k)) merged[k] = v;
  for (const [k, v] of set) merged[k] = v;
  return merged;
}

export async function topicsAlter(io: Io, o: AlterOptions): Promise<AlterResult> {
  if (o.partitions === undefined && o.set.length === 0 && o.unset.length === 0) {
    throw usageError('nothing to alter', 'pass --partitions N, --config NAME=VALUE or --delete-config NAME');
  }
  const before = await describeTopic(o.connection, o.topic);
  const result: AlterResult = { topic: o.topic, configs: [] };
  if (o.partitions !== undefined) {
    const have = before.partitions.length;
    if (o.partitions < have) {
      throw new KtoolError('INVALID_PARTITIONS', `topic "${o.topic}" has ${have} partitions, and Kafka cannot decrease a topic's partitions`, {
        hint: `ask for ${have} or more; to have fewer, create a new topic and copy: kconsume ${o.topic} -e --from-beginning --json | kproduce NEW --json-input`,
      });
    }
    if (o.partitions > have) await addPartitions(o.connection, o.topic, o.partitions);
    result.partitions = { before: have, after: o.partitions };
  }
  if (o.set.length > 0 || o.unset.length > 0) {
    if (before.configs === null) throw new KtoolError('CONFIGS_UNKNOWN', `cannot alter the configs of "${o.topic}": ${before.problems.find((p) => p.startsWith('configs')) ?? 'no broker returned them'}`, { exitCode: EXIT.unreachable, hint: 'retry once the brokers answer; `ktopics describe` shows what they do' });
    const merged = mergeConfigs(before.configs, o.set, o.unset);
    await replaceTopicConfigs(o.connection, o.topic, merged);
    result.configs = configChanges(before.configs, merged);
  }
  const c = paint(io, 'stdout');
  if (o.json) {
    out(io, JSON.stringify(result));
  } else {
    if (result.partitions) {
      const p = result.partitions;
      out(io, p.before === p.after ? `${c.dim('•')} ${c.cyan(o.topic)}: already ${p.after} partitions` : `${c.green('✔')} ${c.cyan(o.topic)}: partitions ${p.before} → ${p.after}`);
    }
    for (const x of result.configs) out(io, `${c.green('✔')} ${c.cyan(o.topic)}: ${x.name} ${x.before ?? c.dim('(default)')} → ${x.after ?? c.dim('(default)')}`);
    if ((o.set.length > 0 || o.unset.length > 0) && result.configs.length === 0) out(io, `${c.dim('•')} ${c.cyan(o.topic)}: configs unchanged`);
  }
  return result;
}

