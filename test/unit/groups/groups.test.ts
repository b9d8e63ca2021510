// kgroups without a broker: reset plans (targets, clamping), target flags, parsers, output shapes.
import { Chalk } from 'chalk';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseOffsetNumber, parseShift } from '../../../lib/cli/options.js';
import { planReset, targetFrom, type PartitionState, type ResetTarget } from '../../../lib/groups/reset.js';
import { descriptionJson, descriptionLines, resetJson, resetLines, type GroupDescription } from '../../../lib/groups/format.js';

const plain = new Chalk({ level: 0 });
// Partition 0 holds 10..20 with 15 committed; partition 1 holds 0..5 with nothing committed.
const parts: PartitionState[] = [
  { partition: 1, low: 0n, high: 5n, committed: null, atTime: -1n },
  { partition: 0, low: 10n, high: 20n, committed: 15n, atTime: 12n },
];

describe('planReset', () => {
  it.each([
    { what: 'earliest', target: { to: 'earliest' }, want: [10n, 0n] },
    { what: 'latest', target: { to: 'latest' }, want: [20n, 5n] },
    { what: 'an offset inside one partition, clamped in the other', target: { to: 'offset', offset: 3n }, want: [10n, 3n] },
    { what: 'an offset past the end, clamped to it', target: { to: 'offset', offset: 99n }, want: [20n, 5n] },
    { what: 'a time: the offset found, or the end when none is', target: { to: 'datetime', timestamp: 0 }, want: [12n, 5n] },
    { what: 'shift back from committed (nothing committed: from the end)', target: { to: 'shift', by: -2n }, want: [13n, 3n] },
    { what: 'shift back past the start, clamped to earliest', target: { to: 'shift', by: -100n }, want: [10n, 0n] },
    { what: 'shift forward past the end, clamped to latest', target: { to: 'shift', by: 100n }, want: [20n, 5n] },
  ] as Array<{ what: string; target: ResetTarget; want: bigint[] }>)('$what', ({ target, want }) => {
    const rows = planReset('t', parts, target);
    expect(rows.map((r) => r.partition)).toEqual([0, 1]);
    expect(rows.map((r) => r.target)).toEqual(want);
    expect(rows.map((r) => r.current)).toEqual([15n, null]);
  });
});

describe('targetFrom', () => {
  it.each([
    { flag: '--to-earliest', flags: { toEarliest: true }, want: { to: 'earliest' } },
    { flag: '--to-latest', flags: { toLatest: true }, want: { to: 'latest' } },
    { flag: '--to-offset 0', flags: { toOffset: 0n }, want: { to: 'offset', offset: 0n } },
    { flag: '--to-datetime', flags: { toDatetime: 1000 }, want: { to: 'datetime', timestamp: 1000 } },
    { flag: '--shift-by -5', flags: { shiftBy: -5n }, want: { to: 'shift', by: -5n } },
  ])('$flag', ({ flags, want }) => expect(targetFrom(flags)).toEqual(want));

  it('no target is a usage error (exit 2)', () => {
    expect(() => targetFrom({})).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe('parsers', () => {
  it('offsets and shifts', () => {
    expect(parseOffsetNumber('42')).toBe(42n);
    expect(parseShift('-10')).toBe(-10n);
    expect(parseShift('+3')).toBe(3n);
    for (const bad of ['-1', 'x', '1.5', '']) expect(() => parseOffsetNumber(bad)).toThrow(InvalidArgumentError);
    for (const bad of ['x', '--1', '1e3']) expect(() => parseShift(bad)).toThrow(InvalidArgumentError);
  });
});

describe('output', () => {
  const d: GroupDescription = {
    group: 'g1',
    state: 'Stable',
    members: 1,
    protocolType: 'consumer',
    protocol: 'RoundRobinAssigner',
    memberList: [{ memberId: 'm-1', clientId: 'ktool', host: '/127.0.0.1', assignment: { orders: [1, 0] } }],
    partitions: [
      { topic: 'orders', partition: 0, committed: 3n, logStart: 0n, logEnd: 10n, lag: 7n, notCommitted: false, memberId: 'm-1' },
      { topic: 'orders', partition: 1, committed: null, logStart: 1n, logEnd: 4n, lag: 3n, notCommitted: true, memberId: 'm-1' },
    ],
    totalLag: 10n,
  };

  it('describe JSON: members with assignment, per-partition committed/logStart/logEnd/lag (from the log start, notCommitted, when nothing is committed), totalLag', () => {
    expect(JSON.parse(descriptionJson(d))).toEqual({
      group: 'g1',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm-1', clientId: 'ktool', host: '/127.0.0.1', assignment: { orders: [1, 0] } }],
      partitions: [
        { topic: 'orders', partition: 0, committed: 3, logStart: 0, logEnd: 10, lag: 7, notCommitted: false, memberId: 'm-1' },
        { topic: 'orders', partition: 1, committed: null, logStart: 1, logEnd: 4, lag: 3, notCommitted: true, memberId: 'm-1' },
      ],
      totalLag: 10,
    });
  });

  it('describe text: the header, the member with its partitions, a row per partition; a lag not committed is marked and explained', () => {
    const lines = descriptionLines(d, plain);
    expect(lines[0]).toBe('g1  state Stable  protocol RoundRobinAssigner  members 1  total lag 10*');
    expect(lines.some((l) => /ktool\s+\/127\.0\.0\.1\s+orders\[0,1\]\s+m-1/.test(l))).toBe(true);
    expect(lines.some((l) => /orders\s+0\s+3\s+10\s+7\s+ktool/.test(l))).toBe(true);
    expect(lines.some((l) => /orders\s+1\s+-\s+4\s+3\*\s+ktool/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ {2}\* not committed: the group has no offset on this partition; lag counted from the log start/);
    // All committed: no mark, no note.
    const committed = descriptionLines({ ...d, partitions: [d.partitions[0]!], totalLag: 7n }, plain);
    expect(committed[0]).toMatch(/total lag 7$/);
    expect(committed.join('\n')).not.toContain('*');
  });

  it('reset plan, dry run and applied', () => {
    const rows = [{ topic: 'orders', partition: 0, current: 3n, target: 0n }];
    expect(JSON.parse(resetJson('g1', rows, true))).toEqual({ group: 'g1', dryRun: true, partitions: [{ topic: 'orders', partition: 0, current: 3, new: 0 }] });
    expect(resetLines('g1', rows, true, plain)[0]).toContain('dry run');
    expect(resetLines('g1', rows, false, plain)[0]).not.toContain('dry run');
    expect(resetLines('g1', rows, false, plain)[2]).toMatch(/orders\[0\]\s+3\s+→\s+0/);
  });
});
