// kgroups: list, describe (members, committed offsets, lag) and delete consumer groups; reset is in lib/groups/reset.ts.
import { paint } from '../cli/style.js';
import { EXIT, KtoolError, unknownTopics } from '../errors.js';
import { out, type Io } from '../io.js';
import { adminError, allGroupOffsets, allTopicNames, deleteGroups, describeGroups, groupOffsets, listGroupIds, topicOffsets, type ConnectionOptions, type GroupInfo } from '../kafka/index.js';
import { descriptionJson, descriptionLines, summaryJson, summaryLines, type GroupDescription, type GroupSummary, type PartitionLag } from './format.js';

interface Common {
  connection: ConnectionOptions;
  json: boolean;
}

export function unknownGroup(group: string): KtoolError {
  return new KtoolError('UNKNOWN_GROUP', `group "${group}" does not exist`, { exitCode: EXIT.failed, hint: '`kgroups list` shows the groups there are' });
}

/**
 * A group's state, or UNKNOWN_GROUP. Kafka answers DescribeGroups for any id: one it does not know is "Dead" with no
 * members (and no committed offsets, or it would be "Empty"), so Dead means unknown here.
 */
export async function requireGroup(connection: ConnectionOptions, group: string): Promise<GroupInfo> {
  const [info] = await describeGroups(connection, [group]);
  if (!info || info.state === 'Dead') throw unknownGroup(group);
  return info;
}

const summary = (g: GroupInfo): GroupSummary => ({ group: g.groupId, state: g.state, members: g.members.length, protocolType: g.protocolType, protocol: g.protocol });

export async function groupsList(io: Io, o: Common): Promise<GroupSummary[]> {
  const ids = await listGroupIds(o.connection);
  const groups = (await describeGroups(o.connection, ids.map((g) => g.groupId))).map(summary).sort((a, b) => a.group.localeCompare(b.group));
  if (o.json) groups.forEach((g) => out(io, summaryJson(g)));
  else summaryLines(groups, paint(io, 'stdout')).forEach((l) => out(io, l));
  return groups;
}

/** Committed offsets and lag on the given topics, else on every topic the members are assigned or the group has committed offsets on. */
export async function describeGroup(connection: ConnectionOptions, group: string, topics?: string[]): Promise<GroupDescription> {
  const info = await requireGroup(connection, group);
  const owner = new Map<string, string>();
  for (const m of info.members) for (const [t, ps] of Object.entries(m.assignment)) for (const p of ps) owner.set(`${t}:${p}`, m.memberId);
  if (topics) {
    // Asked by name: Kafka's error for a request about several topics would not say which one is missing.
    const have = new Set(await allTopicNames(connection));
    const missing = [...new Set(topics)].filter((t) => !have.has(t));
    if (missing.length > 0) throw unknownTopics(missing);
  }
  const committed = topics ? await groupOffsets(connection, group, topics) : await allGroupOffsets(connection, group);
  const used = new Set(committed.filter((x) => x.offset >= 0n || owner.has(`${x.topic}:${x.partition}`)).map((x) => x.topic));
  if (!topics) for (const m of info.members) for (const t of Object.keys(m.assignment)) used.add(t);
  const partitions: PartitionLag[] = [];
  for (const topic of [...used].sort()) {
    const ends = await topicOffsets(connection, topic);
    for (const e of ends.sort((a, b) => a.partition - b.partition)) {
      const c = committed.find((x) => x.topic === topic && x.partition === e.partition)?.offset ?? -1n;
      const logStart = BigInt(e.low);
      const logEnd = BigInt(e.high);
      const has = c >= 0n;
      // Nothing committed: what the group would read there from the log start, marked as such (never a silent 0).
      // A committed offset past the end (after a topic was truncated) counts as no lag, not negative lag.
      const from = has ? c : logStart;
      partitions.push({ topic, partition: e.partition, committed: has ? c : null, logStart, logEnd, lag: logEnd > from ? logEnd - from : 0n, notCommitted: !has, memberId: owner.get(`${topic}:${e.partition}`) ?? null });
    }
  }
  return { ...summary(info), memberList: info.members, partitions, totalLag: partitions.reduce((s, p) => s + p.lag, 0n) };
}

export async function groupsDescribe(io: Io, o: Common & { groups: string[]; topics?: string[] }): Promise<GroupDescription[]> {
  const c = paint(io, 'stdout');
  const all: GroupDescription[] = [];
  for (const group of o.groups) {
    const d = await describeGroup(o.connection, group, o.topics);
    all.push(d);
    if (o.json) out(io, descriptionJson(d));
    else descriptionLines(d, c).forEach((l) => out(io, l));
  }
  return all;
}

/** Deletes each group it can; reports every one, then fails (exit 1) if any could not be deleted. */
export async function groupsDelete(io: Io, o: Common & { groups: string[] }): Promise<Array<{ group: string; deleted: boolean; error?: string }>> {
  const results = (await deleteGroups(o.connection, [...new Set(o.groups)])).map((r) => {
    if (!r.error) return { group: r.groupId, deleted: true };
    const known = adminError(r.error, undefined);
    return { group: r.groupId, deleted: false, error: known?.code ?? r.error, why: known?.message ?? `Kafka said ${r.error}`, hint: known?.hint };
  });
  const c = paint(io, 'stdout');
  for (const r of results) {
    if (o.json) out(io, JSON.stringify({ group: r.group, deleted: r.deleted, ...(r.error ? { error: r.error } : {}) }));
    else out(io, r.deleted ? `${c.green('✔')} deleted ${c.cyan(r.group)}` : `${c.red('✖')} ${c.cyan(r.group)}: ${r.why}`);
  }
  const failed = results.filter((r) => !r.deleted);
  if (failed.length > 0) {
    const hint = failed.find((r) => r.error === 'GROUP_ACTIVE')?.hint ?? failed.find((r) => r.hint)?.hint ?? '`kgroups list` shows the groups there are';
    throw new KtoolError(failed.length === 1 ? failed[0]!.error! : 'DELETE_FAILED', `${failed.length} of ${results.length} group${results.length > 1 ? 's' : ''} not deleted: ${failed.map((r) => `${r.group} (${r.why})`).join('; ')}`, { hint });
  }
  return results.map(({ group, deleted, error }) => ({ group, deleted, ...(error ? { error } : {}) }));
}
