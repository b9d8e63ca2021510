// ktopics without a broker: the alter merge, under-replication, output shapes, the --config parser, the confirmation rule.
import { Chalk } from 'chalk';
import { InvalidArgumentError } from 'commander';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfigEntry } from '../../../lib/cli/options.js';
import { confirm } from '../../../lib/cli/confirm.js';
import { majorityDown, mergeConfigs } from '../../../lib/topics/topics.js';
import { KtoolError } from '../../../lib/errors.js';
import { configChanges, descriptionJson, descriptionLines, isUnderReplicated, replicationFactor, type TopicDescription } from '../../../lib/topics/format.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

describe('mergeConfigs (AlterConfigs replaces every topic config, so the request carries them all)', () => {
  it.each([
    { what: 'setting one key keeps the others', current: { 'retention.ms': '1000', 'cleanup.policy': 'compact' }, set: [['max.message.bytes', '2048']], unset: [], want: { 'retention.ms': '1000', 'cleanup.policy': 'compact', 'max.message.bytes': '2048' } },
    { what: 'a set key overrides its current value', current: { 'retention.ms': '1000' }, set: [['retention.ms', '5000']], unset: [], want: { 'retention.ms': '5000' } },
    { what: 'the last of a repeated key wins', current: {}, set: [['retention.ms', '1'], ['retention.ms', '2']], unset: [], want: { 'retention.ms': '2' } },
    { what: 'unset drops a key, keeps the rest', current: { 'retention.ms': '1000', 'cleanup.policy': 'compact' }, set: [], unset: ['cleanup.policy'], want: { 'retention.ms': '1000' } },
    { what: 'a sensitive value given again is kept', current: { secret: null }, set: [['secret', 'x']], unset: [], want: { secret: 'x' } },
  ] as Array<{ what: string; current: Record<string, string | null>; set: Array<[string, string]>; unset: string[]; want: Record<string, string> }>)('$what', ({ current, set, unset, want }) => {
    expect(mergeConfigs(current, set, unset)).toEqual(want);
  });

  it('refuses to drop a sensitive config it cannot read back', () => {
    expect(() => mergeConfigs({ secret: null, 'retention.ms': '1' }, [['retention.ms', '2']], [])).toThrow(expect.objectContaining({ code: 'SENSITIVE_CONFIG', exitCode: 1 }));
  });

  it('configChanges lists what moved, and only that', () => {
    expect(configChanges({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toEqual([
      { name: 'b', before: '2', after: '3' },
      { name: 'c', before: null, after: '4' },
    ]);
    expect(configChanges({ a: '1' }, {})).toEqual([{ name: 'a', before: '1', after: null }]);
  });
});

describe('under-replication', () => {
  it.each([
    { replicas: [1, 2, 3], isr: [1, 2, 3], under: false },
    { replicas: [1, 2, 3], isr: [1, 3], under: true },
    { replicas: [1], isr: [1], under: false },
    { replicas: [2, 1], isr: [], under: true },
  ])('replicas $replicas, ISR $isr: $under', ({ replicas, isr, under }) => {
    expect(isUnderReplicated({ replicas, isr })).toBe(under);
  });

  it('replication factor is the replica set size', () => {
    expect(replicationFactor([{ replicas: [1, 2, 3] }, { replicas: [2, 3, 1] }])).toBe(3);
    expect(replicationFactor([])).toBe(0);
  });
});

const described: TopicDescription = {
  topic: 'orders',
  replicationFactor: 3,
  underReplicated: 1,
  offline: 0,
  configs: { 'retention.ms': '1000' },
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: false, earliest: 0n, latest: 10n, messages: 10n, underReplicated: false },
    { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 1], offline: false, earliest: 5n, latest: 7n, messages: 2n, underReplicated: true },
  ],
  problems: [],
};

/** A broker died: partition 1 (only on it) has no leader; partition 0's leader did not answer for its offsets. */
const degraded: TopicDescription = {
  topic: 'orders',
  replicationFactor: 1,
  underReplicated: 1,
  offline: 1,
  configs: null,
  partitions: [
    { partition: 0, leader: 1, replicas: [1], isr: [1], offline: false, earliest: null, latest: null, messages: null, underReplicated: false },
    { partition: 1, leader: -1, replicas: [3], isr: [], offline: true, earliest: null, latest: null, messages: null, underReplicated: true },
  ],
  problems: ['partition 1: no offsets: offline: no leader'],
};

describe('describe output', () => {
  it('JSON: offsets as numbers, underReplicated per partition and a topic-level count', () => {
    expect(JSON.parse(descriptionJson(described))).toEqual({
      topic: 'orders',
      partitionCount: 2,
      replicationFactor: 3,
      underReplicated: 1,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: false, earliest: 0, latest: 10, messages: 10, underReplicated: false },
        { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 1], offline: false, earliest: 5, latest: 7, messages: 2, underReplicated: true },
      ],
      offline: 0,
      configs: { 'retention.ms': '1000' },
      problems: [],
    });
  });

  it('JSON and text of a degraded topic: unknown offsets are null or "-", never 0; offline partitions say so', () => {
    const j = JSON.parse(descriptionJson(degraded));
    expect(j).toMatchObject({ offline: 1, underReplicated: 1, configs: null, problems: ['partition 1: no offsets: offline: no leader'] });
    expect(j.partitions[1]).toEqual({ partition: 1, leader: -1, replicas: [3], isr: [], offline: true, earliest: null, latest: null, messages: null, underReplicated: true });
    const lines = descriptionLines(degraded, plain);
    expect(lines[0]).toBe('orders  partitions 2  replication 1  under-replicated 1  offline 1');
    expect(lines.find((l) => l.trimStart().startsWith('1 '))).toMatch(/^\s+1\s+none\s+3\s+-\s+-\s+-\s+-\s+offline$/);
    expect(lines.find((l) => l.trimStart().startsWith('0 '))).toMatch(/^\s+0\s+1\s+1\s+1\s+-\s+-\s+-\s*$/);
    expect(lines).toContain('  configs: unknown (see the warning)');
  });

  it('text: an under-replicated row says so in words, and in red only when colour is on', () => {
    const lines = descriptionLines(described, plain);
    expect(lines[0]).toBe('orders  partitions 2  replication 3  under-replicated 1');
    expect(lines.find((l) => l.trimStart().startsWith('1 '))).toMatch(/2,3,1\s+2,1\s+5\s+7\s+2\s+under-replicated$/);
    expect(lines.find((l) => l.trimStart().startsWith('0 '))).not.toContain('under-replicated');
    expect(lines).toContain('    retention.ms=1000');
    const red = descriptionLines(described, colour).find((l) => l.includes('under-replicated') && !l.includes('replication 3'));
    expect(red).toContain('\u001b[31m');
    const inSync = descriptionLines(described, colour).find((l) => stripVTControlCharacters(l).trimStart().startsWith('0 '));
    expect(inSync).toMatch(/1,2,3/);
    expect(inSync).not.toContain('\u001b[31m');
  });
});

describe('parseConfigEntry', () => {
  it.each([
    ['retention.ms=1000', ['retention.ms', '1000']],
    ['a=b=c', ['a', 'b=c']],
  ])('%s', (input, want) => expect(parseConfigEntry(input)).toEqual(want));

  it.each(['retention.ms', '=1', 'retention.ms=', 'bad name=1'])('refuses %j', (input) => {
    expect(() => parseConfigEntry(input)).toThrow(InvalidArgumentError);
  });
});

describe('confirm', () => {
  const io = (tty: boolean, answer?: string) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: tty });
    if (answer !== undefined) stdin.end(answer);
    return { stdin, stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
  };

  it('refuses with a usage error (exit 2) naming --yes when stdin is not a terminal', async () => {
    await expect(confirm(io(false), 'delete topic x?')).rejects.toMatchObject({ exitCode: 2, hint: expect.stringContaining('--yes') });
  });

  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['n\n', false],
    ['\n', false],
    ['', false],
  ])('on a terminal, %j answers %s', async (answer, want) => {
    await expect(confirm(io(true, answer), 'delete topic x?')).resolves.toBe(want);
  });
});

describe('majorityDown', () => {
  const parts = [{ replicas: [1, 2, 3] }, { replicas: [2, 3, 1] }];
  it('says nothing while most brokers are up', () => {
    expect(majorityDown([1, 2, 3], parts, [])).toBeUndefined();
    expect(majorityDown([1, 2], parts, [])).toBeUndefined(); // 3 fenced: one of three down
  });
  it('names a majority down: one fenced (gone from the metadata), one listed but refusing connections', () => {
    const offsets = [{ partition: 0, unreachable: 2, error: new KtoolError('BROKER_UNREACHABLE', 'x') }];
    expect(majorityDown([1, 2], parts, offsets)).toMatch(/^brokers 2, 3 of 1, 2, 3 are down \(3 has left the cluster's metadata; 2 refuses connections, .*\): a majority\. If they also run the KRaft controllers .* the metadata quorum is lost/);
  });
});
