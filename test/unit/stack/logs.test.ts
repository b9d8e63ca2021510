// lib/stack/logs: the local provider's logs, read from real files: which node a name means, the last N lines, following.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localLogs, readTail, selectSources } from '../../../lib/stack/logs.js';
import { writeState, type StackState } from '../../../lib/stack/state.js';
import { eventually } from '../../support/kafka.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kstack-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stack(mode: 'kraft' | 'zookeeper', brokers: number): StackState {
  const proc = (role: 'broker' | 'zookeeper', id: number) => {
    const name = role === 'zookeeper' ? 'zookeeper' : `broker-${id}`;
    mkdirSync(join(dir, 'nodes', name), { recursive: true });
    return { role, id, port: 9092 + id, pid: 1, marker: name, logFile: join(dir, 'nodes', name, 'out.log') };
  };
  return {
    provider: 'local',
    kafka: '3.9.2',
    mode,
    brokers,
    basePort: 9092,
    host: '127.0.0.1',
    bootstrap: '127.0.0.1:9092',
    runDir: dir,
    status: 'running',
    startedAt: '2025-01-01T00:00:00Z',
    processes: [...(mode === 'zookeeper' ? [proc('zookeeper', 0)] : []), ...Array.from({ length: brokers }, (_, i) => proc('broker', i + 1))],
  };
}

describe('selectSources', () => {
  it.each([
    ['kraft', 2, undefined, ['broker-1', 'broker-2']],
    ['kraft', 2, 'broker-2', ['broker-2']],
    ['kraft', 2, 'kafka', ['broker-1', 'broker-2']],
    ['kraft', 1, 'controller', ['broker-1']],
    ['zookeeper', 1, 'zookeeper', ['zookeeper']],
    ['zookeeper', 1, undefined, ['zookeeper', 'broker-1']],
    ['zookeeper', 1, 'broker', ['broker-1']],
  ] as const)('%s with %i brokers, %j → %j', (mode, brokers, name, expected) => {
    expect(selectSources(stack(mode, brokers), name).map((s) => s.name)).toEqual(expected);
  });

  it.each([
    ['kraft', 'zookeeper', 'choose one of broker-1 (or kafka or controller for every broker)'],
    ['zookeeper', 'controller', 'choose one of zookeeper, broker-1 (or kafka for every broker)'],
    ['kraft', 'broker-3', 'choose one of broker-1 (or kafka or controller for every broker)'],
  ] as const)('%s: %j is a usage error listing the names', (mode, name, hint) => {
    expect(() => selectSources(stack(mode, 1), name)).toThrow(expect.objectContaining({ exitCode: 2, message: `this stack has no log named "${name}"`, hint }));
  });
});

describe('readTail', () => {
  it('the last N lines of a log larger than one read block', async () => {
    const file = join(dir, 'big.log');
    writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n') + '\n');
    const { text } = await readTail(file, 3);
    expect(text).toBe(['19997', '19998', '19999'].map((n) => `line ${n} ${'x'.repeat(40)}`).join('\n') + '\n');
  });
  it.each([
    ['a\nb\nc\n', 2, 'b\nc\n'],
    ['a\nb\nc', 1, 'c\n'],
    ['a\nb\n', 10, 'a\nb\n'],
    ['a\nb\n', 0, ''],
    ['', 5, ''],
  ])('%j, %i lines → %j', async (content, lines, expected) => {
    const file = join(dir, 'f.log');
    writeFileSync(file, content);
    expect((await readTail(file, lines)).text).toBe(expected);
  });
  it('a missing file has nothing to show', async () => {
    expect(await readTail(join(dir, 'none.log'), 5)).toEqual({ text: '', size: 0 });
  });
});

describe('localLogs', () => {
  const paths = () => ({ cacheDir: join(dir, 'cache'), runDir: dir });

  it('one node: its lines as they are; several: each line prefixed with its node', async () => {
    const s = stack('zookeeper', 1);
    writeState(s);
    writeFileSync(s.processes[0]!.logFile, 'zk 1\nzk 2\n');
    writeFileSync(s.processes[1]!.logFile, 'kafka 1\n\nkafka 2\n');
    let one = '';
    await localLogs({ paths: paths(), service: 'broker-1', lines: 2, follow: false, write: (c) => void (one += c.toString()) });
    expect(one).toBe('\nkafka 2\n');
    let all = '';
    await localLogs({ paths: paths(), lines: 100, follow: false, write: (c) => void (all += c.toString()) });
    expect(all).toBe('zookeeper | zk 1\nzookeeper | zk 2\nbroker-1  | kafka 1\nbroker-1  |\nbroker-1  | kafka 2\n');
  });

  it('no stack: an error that says how to start one', async () => {
    await expect(localLogs({ paths: paths(), lines: 10, follow: false, write: () => {} })).rejects.toMatchObject({ code: 'NO_STACK', exitCode: 1, hint: 'start one with `kstack up`' });
  });

  it('follows new lines, whole lines only, until interrupted', async () => {
    const s = stack('kraft', 1);
    writeState(s);
    const log = s.processes[0]!.logFile;
    writeFileSync(log, 'old\n');
    let text = '';
    const controller = new AbortController();
    const done = localLogs({ paths: paths(), lines: 1, follow: true, pollMs: 20, signal: controller.signal, write: (c) => void (text += c.toString()) });
    await eventually(() => (text === 'old\n' ? true : undefined), 2_000, 'the tail');
    appendFileSync(log, 'new 1\nnew 2 hal');
    await eventually(() => (text === 'old\nnew 1\n' ? true : undefined), 2_000, 'the first appended line');
    appendFileSync(log, 'f\n');
    await eventually(() => (text === 'old\nnew 1\nnew 2 half\n' ? true : undefined), 2_000, 'the completed line');
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('stops following when `kstack down` removes the logs', async () => {
    const s = stack('kraft', 1);
    writeState(s);
    writeFileSync(s.processes[0]!.logFile, 'x\n');
    const done = localLogs({ paths: paths(), lines: 1, follow: true, pollMs: 20, write: () => {} });
    rmSync(join(dir, 'nodes'), { recursive: true, force: true });
    await expect(done).resolves.toBeUndefined();
  });
});
