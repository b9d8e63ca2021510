import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrokerOverrides } from '../../../lib/stack/overrides.js';
import type { StackOptions } from '../../../lib/stack/plan.js';
import { processCondition, readState, removeStack, sameShape, shapeDifferences, stateFile, stateOverrides, writeState, type StackState } from '../../../lib/stack/state.js';
import { findKafkaVersion } from '../../../lib/stack/versions.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kstack-state-test-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sampleState(runDir: string, overrides: Partial<StackState> = {}): StackState {
  return {
    provider: 'local',
    kafka: '3.9.2',
    mode: 'kraft',
    brokers: 2,
    basePort: 9092,
    host: '127.0.0.1',
    bootstrap: '127.0.0.1:9092,127.0.0.1:9093',
    clusterId: 'q1Sh-9_ISia_zwGINzRvyQ',
    runDir,
    status: 'running',
    startedAt: '2025-01-01T10:00:00.000Z',
    processes: [
      { role: 'broker', id: 1, port: 9092, controllerPort: 9094, pid: 1234, marker: `${runDir}/nodes/broker-1/server.properties`, logFile: `${runDir}/nodes/broker-1/out.log` },
      { role: 'broker', id: 2, port: 9093, controllerPort: 9095, pid: 1235, marker: `${runDir}/nodes/broker-2/server.properties`, logFile: `${runDir}/nodes/broker-2/out.log` },
    ],
    ...overrides,
  };
}

describe('writeState and readState', () => {
  it.each([
    { what: 'a running kraft stack', overrides: {} },
    { what: 'a kept stack without a cluster id', overrides: { status: 'kept' as const, clusterId: undefined } },
    { what: 'a stack with --config overrides', overrides: { config: { 'auto.create.topics.enable': 'false', 'log.retention.ms': '60000' } } },
    {
      what: 'a zookeeper stack',
      overrides: {
        mode: 'zookeeper' as const,
        brokers: 1,
        bootstrap: '127.0.0.1:9092',
        processes: [
          { role: 'zookeeper' as const, id: 0, port: 9093, pid: 99, marker: 'zk.properties', logFile: 'zk.log' },
          { role: 'broker' as const, id: 1, port: 9092, pid: 100, marker: 'server.properties', logFile: 'b.log' },
        ],
      },
    },
  ])('round-trips $what', ({ overrides }) => {
    const state = sampleState(dir, overrides);
    writeState(state);
    expect(readState(dir)).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('returns undefined when there is no state file', () => {
    expect(readState(dir)).toBeUndefined();
    expect(readState(join(dir, 'does-not-exist'))).toBeUndefined();
  });

  it('creates a missing run directory', () => {
    const runDir = join(dir, 'a', 'b', 'run');
    writeState(sampleState(runDir));
    expect(readState(runDir)?.runDir).toBe(runDir);
  });

  it('writes <runDir>/state.json atomically: no .tmp file is left behind', () => {
    writeState(sampleState(dir));
    writeState(sampleState(dir, { status: 'kept' }));
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(stateFile(dir)).toBe(join(dir, 'state.json'));
    expect(existsSync(`${stateFile(dir)}.tmp`)).toBe(false);
  });

  it('replaces the previous state', () => {
    writeState(sampleState(dir));
    writeState(sampleState(dir, { status: 'kept', brokers: 1 }));
    expect(readState(dir)).toMatchObject({ status: 'kept', brokers: 1 });
  });

  it('writes readable JSON ending in a newline', () => {
    writeState(sampleState(dir));
    const text = readFileSync(stateFile(dir), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ provider: 'local', bootstrap: '127.0.0.1:9092,127.0.0.1:9093' });
  });
});

describe('sameShape: does `up` with these options ask for the stack in state.json?', () => {
  const kafka39 = findKafkaVersion('3.9')!;
  const kafka44 = findKafkaVersion('4.4')!;
  // What sampleState records: 2 KRaft brokers of Kafka 3.9.2 from 127.0.0.1:9092.
  const asked = (over: Partial<StackOptions> = {}): StackOptions => ({ brokers: 2, mode: 'kraft', kafka: kafka39, host: '127.0.0.1', basePort: 9092, heap: '512m', ...over });
  const off = { 'auto.create.topics.enable': 'false' };

  it.each<{ what: string; state: Partial<StackState>; options: StackOptions; same: boolean }>([
    { what: 'the same flags', state: {}, options: asked(), same: true },
    { what: 'another heap (not part of the shape)', state: {}, options: asked({ heap: '1g' }), same: true },
    { what: 'no overrides on either side', state: { config: {} }, options: asked({ config: {} }), same: true },
    { what: 'an old state file without config, and no overrides', state: { config: undefined }, options: asked({ config: {} }), same: true },
    { what: 'the same overrides', state: { config: off }, options: asked({ config: { ...off } }), same: true },
    { what: 'the same overrides in another order', state: { config: { a: '1', b: '2' } }, options: asked({ config: { b: '2', a: '1' } }), same: true },
    { what: 'other brokers', state: {}, options: asked({ brokers: 3 }), same: false },
    { what: 'another mode', state: {}, options: asked({ mode: 'zookeeper' }), same: false },
    { what: 'another Kafka', state: {}, options: asked({ kafka: kafka44 }), same: false },
    { what: 'another port', state: {}, options: asked({ basePort: 19092 }), same: false },
    { what: 'another host', state: {}, options: asked({ host: 'localhost' }), same: false },
    { what: 'overrides added', state: { config: {} }, options: asked({ config: off }), same: false },
    { what: 'overrides added to an old state file', state: { config: undefined }, options: asked({ config: off }), same: false },
    { what: 'overrides dropped', state: { config: off }, options: asked(), same: false },
    { what: 'another value', state: { config: off }, options: asked({ config: { 'auto.create.topics.enable': 'true' } }), same: false },
    { what: 'one more override', state: { config: off }, options: asked({ config: { ...off, 'log.retention.ms': '60000' } }), same: false },
  ])('$what: $same', ({ state, options, same }) => {
    expect(sameShape(sampleState(dir, state), options)).toBe(same);
  });

  it.each<{ config: BrokerOverrides | undefined; read: BrokerOverrides }>([
    { config: undefined, read: {} },
    { config: {}, read: {} },
    { config: { 'log.retention.ms': '60000' }, read: { 'log.retention.ms': '60000' } },
  ])('stateOverrides of a state with config $config is $read', ({ config, read }) => {
    expect(stateOverrides(sampleState(dir, { config }))).toEqual(read);
  });
});

describe('removeStack', () => {
  it('removes nodes/ and state.json and leaves everything else in the run directory', () => {
    writeState(sampleState(dir));
    mkdirSync(join(dir, 'nodes', 'broker-1', 'data'), { recursive: true });
    writeFileSync(join(dir, 'nodes', 'broker-1', 'server.properties'), 'node.id=1\n');
    writeFileSync(join(dir, 'nodes', 'broker-1', 'data', 'meta.properties'), 'x\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    writeFileSync(join(dir, 'state.json.bak'), '{}\n');
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', 'kafka.jar'), 'jar');

    removeStack(dir);

    expect(readdirSync(dir).sort()).toEqual(['cache', 'notes.txt', 'state.json.bak']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, 'cache', 'kafka.jar'), 'utf8')).toBe('jar');
    expect(readState(dir)).toBeUndefined();
  });

  it.each([
    { what: 'an empty run directory', runDir: () => dir },
    { what: 'a missing run directory', runDir: () => join(dir, 'missing') },
  ])('does nothing on $what', ({ runDir }) => {
    expect(() => removeStack(runDir())).not.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('processCondition: what status shows for a process', () => {
  const p = sampleState('/run').processes[0]!;
  it.each<{ what: string; proc: typeof p; alive: boolean; shows: string }>([
    { what: 'a running process', proc: p, alive: true, shows: 'up' },
    { what: 'a process gone without kstack stop (a crash)', proc: p, alive: false, shows: 'down' },
    { what: 'a process kstack stop stopped', proc: { ...p, stopped: { at: 'x', how: 'clean' } }, alive: false, shows: 'stopped' },
    { what: 'a process kstack stop --kill killed', proc: { ...p, stopped: { at: 'x', how: 'killed' } }, alive: false, shows: 'stopped' },
  ])('$what: $shows', ({ proc, alive, shows }) => {
    expect(processCondition(proc, alive)).toBe(shows);
  });
});

describe('shapeDifferences: only the flags given must match the recorded stack', () => {
  it('no flags never differ', () => {
    expect(shapeDifferences(sampleState(dir), {})).toEqual([]);
  });
  it('lists each given flag that differs, with what is recorded', () => {
    expect(shapeDifferences(sampleState(dir), { brokers: 3, basePort: 19100, host: '127.0.0.1' })).toEqual(['--brokers 3 (recorded: 2)', '--port 19100 (recorded: 9092)']);
    expect(shapeDifferences(sampleState(dir, { config: { a: '1' } }), { config: { a: '2' } })).toEqual(['--config a=2 (recorded: a=1)']);
  });
});
