// lib/groups and lib/groups-reset against the real broker: members and lag, list, reset (refused while active), delete, unknown groups.
import { describe, expect, it } from 'vitest';
import { consume } from '../../../lib/consume/consume.js';
import { describeGroup, groupsDelete, groupsDescribe, groupsList } from '../../../lib/groups/groups.js';
import { groupsReset } from '../../../lib/groups/reset.js';
import { setGroupOffsets } from '../../../lib/kafka/index.js';
import { read, send } from '../../support/clients.js';
import { connection, eventually, freshTopic, memoryIo, uniqueName } from '../../support/kafka.js';

const common = () => ({ connection: connection(), json: true });

/** A group that read `k` of the topic's records and left (Empty, offsets committed). */
async function idleGroup(topic: string, k: number): Promise<string> {
  const group = uniqueName('kg');
  await read([topic], { groupId: group, maxMessages: k, exitAtEnd: false });
  return group;
}

describe('kgroups', () => {
  it('describe shows a running member with its assigned partitions, then lag once it is gone', async () => {
    const topic = await freshTopic('kg-live', 2);
    await send(topic, ['a', 'b', 'c'], { partition: 0 });
    await send(topic, ['d'], { partition: 1 });
    const group = uniqueName('kg');
    const controller = new AbortController();
    const io = memoryIo();
    const running = consume(io, { connection: connection(), topics: [topic], groupId: group, fromBeginning: true, exitAtEnd: false, output: { kind: 'json' }, signal: controller.signal });
    try {
      const live = await eventually(async () => {
        const d = await describeGroup(connection(), group).catch(() => undefined);
        return d?.state === 'Stable' && io.stdoutLines().length === 4 && d.partitions.every((p) => p.lag === 0n) ? d : undefined;
      }, 30_000, 'a stable group that read everything');
      expect(live.memberList).toHaveLength(1);
      expect(live.memberList[0]!.clientId).toBe('ktool');
      expect(live.memberList[0]!.assignment[topic]?.sort()).toEqual([0, 1]);
      expect(live.partitions.map((p) => [p.partition, p.committed, p.logEnd, p.memberId])).toEqual([
        [0, 3n, 3n, live.memberList[0]!.memberId],
        [1, 1n, 1n, live.memberList[0]!.memberId],
      ]);
      // A running member: reset is refused.
      await expect(groupsReset(memoryIo(), { ...common(), group, topic, target: { to: 'earliest' }, dryRun: true })).rejects.toMatchObject({ code: 'GROUP_ACTIVE', exitCode: 1 });
      // And delete too.
      await expect(groupsDelete(memoryIo(), { ...common(), groups: [group] })).rejects.toMatchObject({ code: 'GROUP_ACTIVE', exitCode: 1 });
    } finally {
      controller.abort();
      await running;
    }
    await send(topic, ['e', 'f'], { partition: 0 });
    const out = memoryIo();
    await groupsDescribe(out, { ...common(), groups: [group] });
    const d = JSON.parse(out.stdoutText());
    expect(d).toMatchObject({ group, state: 'Empty', members: [], totalLag: 2 });
    expect(d.partitions).toEqual([
      { topic, partition: 0, committed: 3, logStart: 0, logEnd: 5, lag: 2, notCommitted: false, memberId: null },
      { topic, partition: 1, committed: 1, logStart: 0, logEnd: 1, lag: 0, notCommitted: false, memberId: null },
    ]);
  });

  // Issue 12 item 2: kafkajs committed only the partitions it printed from, so -n left the others without an offset.
  it.each([3, 6])('-n k on %i partitions: every partition gets a committed offset (lag n-k, one past the last record printed); a record produced while the group is stopped is read on resume', async (count) => {
    const topic = await freshTopic('kg-nk', count);
    const per = 5;
    for (let p = 0; p < count; p += 1) await send(topic, Array.from({ length: per }, (_, i) => `p${p}-${i}`), { partition: p });
    const n = count * per;
    // 7 > 5: the limit falls inside the second partition's batch, whose other records were fetched but not printed.
    const k = per + 2;
    const group = uniqueName('kg');
    const first = (await read([topic], { groupId: group, maxMessages: k, exitAtEnd: false })).records;
    expect(first).toHaveLength(k);
    const next = new Map<number, number>();
    for (const r of first) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
    const d = await describeGroup(connection(), group);
    expect(d.totalLag).toBe(BigInt(n - k));
    expect(d.partitions.map((p) => [p.partition, p.committed, p.notCommitted])).toEqual(Array.from({ length: count }, (_, p) => [p, BigInt(next.get(p) ?? 0), false]));

    for (let p = 0; p < count; p += 1) await send(topic, [`p${p}-new`], { partition: p });
    const rest = (await read([topic], { groupId: group })).records;
    const key = (r: { partition: number; offset: number }) => `${r.partition}@${r.offset}`;
    // Together, the two runs printed every record exactly once.
    expect([...first, ...rest].map(key).sort()).toEqual(Array.from({ length: count }, (_, p) => Array.from({ length: per + 1 }, (_, o) => `${p}@${o}`)).flat().sort());
    expect(rest.filter((r) => r.value.endsWith('-new'))).toHaveLength(count);
    expect((await describeGroup(connection(), group)).totalLag).toBe(0n);
  });

  it('describe counts a partition the group has no offset on from the log start, marked not committed, never as 0', async () => {
    const topic = await freshTopic('kg-nc', 3);
    await send(topic, ['a', 'b', 'c', 'd'], { partition: 0 });
    await send(topic, ['e', 'f'], { partition: 1 });
    const group = uniqueName('kg');
    // Offsets on partition 0 only, as another client (or an older kconsume) may leave them.
    await setGroupOffsets(connection(), group, topic, [{ partition: 0, offset: 1n }]);
    const d = await describeGroup(connection(), group);
    expect(d.partitions.map((p) => [p.partition, p.committed, p.logStart, p.logEnd, p.lag, p.notCommitted])).toEqual([
      [0, 1n, 0n, 4n, 3n, false],
      [1, null, 0n, 2n, 2n, true],
      [2, null, 0n, 0n, 0n, true],
    ]);
    expect(d.totalLag).toBe(5n);
    const io = memoryIo();
    await groupsDescribe(io, { ...common(), json: false, groups: [group] });
    expect(io.stdoutLines()[0]).toMatch(/total lag 5\*$/);
    expect(io.stdoutText()).toMatch(/\* not committed: the group has no offset on these 2 partitions; lag counted from the log start/);
  });

  it('list shows the group with its state and member count', async () => {
    const topic = await freshTopic('kg-list');
    await send(topic, ['a']);
    const group = await idleGroup(topic, 1);
    const io = memoryIo();
    await groupsList(io, common());
    expect(io.stdoutLines().map((l) => JSON.parse(l))).toContainEqual({ group, state: 'Empty', members: 0, protocolType: 'consumer', protocol: '' });
  });

  it('reset --dry-run shows the plan and changes nothing; without it, the group moves', async () => {
    const topic = await freshTopic('kg-reset');
    await send(topic, ['1', '2', '3', '4', '5']);
    const group = await idleGroup(topic, 4);
    const dry = memoryIo();
    await groupsReset(dry, { ...common(), group, topic, target: { to: 'shift', by: -10n }, dryRun: true });
    expect(JSON.parse(dry.stdoutText())).toEqual({ group, dryRun: true, partitions: [{ topic, partition: 0, current: 4, new: 0 }] });
    expect((await describeGroup(connection(), group)).partitions[0]!.committed).toBe(4n);

    const applied = memoryIo();
    await groupsReset(applied, { ...common(), group, topic, target: { to: 'offset', offset: 1n }, dryRun: false });
    expect(JSON.parse(applied.stdoutText())).toEqual({ group, dryRun: false, partitions: [{ topic, partition: 0, current: 4, new: 1 }] });
    expect((await describeGroup(connection(), group)).partitions[0]).toMatchObject({ committed: 1n, lag: 4n });
    // The group resumes where it was moved to.
    expect((await read([topic], { groupId: group })).records.map((r) => r.value)).toEqual(['2', '3', '4', '5']);
  });

  it('reset --to-datetime moves to the first record since that time', async () => {
    const topic = await freshTopic('kg-time');
    await send(topic, ['old']);
    const group = await idleGroup(topic, 1);
    const since = Date.now() + 1;
    await eventually(() => (Date.now() > since ? true : undefined), 1_000, 'the clock to pass the mark');
    await send(topic, ['new']);
    const rows = await groupsReset(memoryIo(), { ...common(), group, topic, target: { to: 'datetime', timestamp: since }, dryRun: false });
    expect(rows.map((r) => r.target)).toEqual([1n]);
  });

  it('unknown groups: describe and reset fail with UNKNOWN_GROUP; delete reports each group', async () => {
    const missing = uniqueName('kg-missing');
    await expect(groupsDescribe(memoryIo(), { ...common(), groups: [missing] })).rejects.toMatchObject({ code: 'UNKNOWN_GROUP', exitCode: 1 });
    await expect(groupsReset(memoryIo(), { ...common(), group: missing, topic: 'x', target: { to: 'latest' }, dryRun: true })).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' });

    const topic = await freshTopic('kg-del');
    await send(topic, ['a']);
    const group = await idleGroup(topic, 1);
    const io = memoryIo();
    await expect(groupsDelete(io, { ...common(), groups: [group, missing] })).rejects.toMatchObject({ code: 'UNKNOWN_GROUP', exitCode: 1 });
    expect(io.stdoutLines().map((l) => JSON.parse(l))).toEqual([{ group, deleted: true }, { group: missing, deleted: false, error: 'UNKNOWN_GROUP' }]);
    await expect(describeGroup(connection(), group)).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' });
  });
});
