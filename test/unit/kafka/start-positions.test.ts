// lib/kafka/start-positions.ts against kafkajs's OffsetManager with a fake coordinator and cluster (the boundary):
// registered groups commit the start positions kafkajs resolves; others behave as kafkajs does.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { commitStartPositions, PATCHED_GROUP, startPositionsInstalled } from '../../../lib/kafka/start-positions.js';

const require = createRequire(import.meta.url);
const OffsetManager = require(PATCHED_GROUP.offsetManager);

/** An OffsetManager for partitions 0-2 of "t": the group committed 7 on partition 1 only; the log starts at 3, ends at 9. */
function manager(groupId: string) {
  const commits: unknown[] = [];
  const coordinator = {
    isConnected: () => true,
    // What the broker answers: the partitions asked for.
    offsetFetch: async ({ topics }: { topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }) => ({
      responses: topics.map(({ topic, partitions }) => ({ topic, partitions: partitions.map(({ partition }) => ({ partition, offset: partition === 1 ? '7' : '-1' })) })),
    }),
    offsetCommit: async (request: unknown) => void commits.push(request),
  };
  const shared: Record<string, unknown> = {};
  const cluster = {
    committedOffsets: () => shared,
    fetchTopicsOffset: async (topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>) =>
      topics.map(({ topic, partitions, fromBeginning }) => ({ topic, partitions: partitions.map(({ partition }) => ({ partition, offset: fromBeginning ? '3' : '9' })) })),
  };
  const m = new OffsetManager({
    cluster,
    coordinator,
    memberAssignment: { t: [0, 1, 2] },
    autoCommit: true,
    topicConfigurations: { t: { fromBeginning: true } },
    instrumentationEmitter: { emit() {} },
    groupId,
    generationId: 4,
    memberId: 'm-1',
  });
  return { m, commits };
}

describe('start positions', () => {
  it('is installed on kafkajs classes', () => {
    expect(startPositionsInstalled()).toBe(true);
  });

  it('a registered group commits the start of each partition without an offset, in its generation; the fetch offsets are kafkajs\'s', async () => {
    const undo = commitStartPositions('g-registered');
    try {
      const { m, commits } = manager('g-registered');
      await m.resolveOffsets();
      expect(commits).toEqual([{ groupId: 'g-registered', memberId: 'm-1', groupGenerationId: 4, topics: [{ topic: 't', partitions: [{ partition: 0, offset: '3' }, { partition: 2, offset: '3' }] }] }]);
      expect([0, 1, 2].map((p) => m.nextOffset('t', p).toString())).toEqual(['3', '7', '3']);
      // Resolved once: a second call (kafkajs asks before every fetch) commits nothing more.
      await m.resolveOffsets();
      expect(commits).toHaveLength(1);
    } finally {
      undo();
    }
  });

  it('a partition with a pending seek is left to the seek; other groups keep kafkajs\'s behaviour (nothing committed)', async () => {
    const undo = commitStartPositions('g-seek');
    const { m, commits } = manager('g-seek');
    await m.resolveOffsets((_t: string, p: number) => p === 2);
    expect(commits).toEqual([{ groupId: 'g-seek', memberId: 'm-1', groupGenerationId: 4, topics: [{ topic: 't', partitions: [{ partition: 0, offset: '3' }] }] }]);
    undo();
    const plain = manager('g-seek');
    await plain.m.resolveOffsets();
    expect(plain.commits).toEqual([]);
    expect([0, 1, 2].map((p) => plain.m.nextOffset('t', p).toString())).toEqual(['3', '7', '3']);
  });
});
