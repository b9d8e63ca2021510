// decideUp: what `kstack up` does with a recorded stack (issue 12: a crashed stack was wiped by the command meant to recover it).
import { describe, expect, it } from 'vitest';
import { decideUp, describeRestarts, type UpDecision } from '../../../lib/stack/recover.js';
import type { ProcessState, ShapeRequest, StackState } from '../../../lib/stack/state.js';
import { findKafkaVersion } from '../../../lib/stack/versions.js';

const kafka39 = findKafkaVersion('3.9')!;
const kafka44 = findKafkaVersion('4.4')!;

const broker = (id: number, over: Partial<ProcessState> = {}): ProcessState => ({
  role: 'broker',
  id,
  port: 19099 + id,
  controllerPort: 19102 + id,
  pid: 1000 + id,
  marker: `/run/nodes/broker-${id}/server.properties`,
  logFile: `/run/nodes/broker-${id}/out.log`,
  ...over,
});

function recorded(over: Partial<StackState> = {}): StackState {
  return {
    provider: 'local',
    kafka: '3.9.2',
    mode: 'kraft',
    brokers: 3,
    basePort: 19100,
    host: '127.0.0.1',
    bootstrap: '127.0.0.1:19100,127.0.0.1:19101,127.0.0.1:19102',
    clusterId: 'q1Sh-9_ISia_zwGINzRvyQ',
    config: {},
    runDir: '/run',
    status: 'running',
    startedAt: '2026-01-01T00:00:00.000Z',
    processes: [broker(1), broker(2), broker(3)],
    ...over,
  };
}

const aliveExcept =
  (...dead: number[]) =>
  (p: ProcessState) =>
    !dead.includes(p.id);
const none = (): ShapeRequest => ({});
const decide = (state: StackState | undefined, alive: (p: ProcessState) => boolean, shape: ShapeRequest = none(), fresh = false): UpDecision => decideUp(state, alive, { shape, fresh });
const restarted = (d: UpDecision) => (d.action === 'restart' ? d.restart.map((r) => [r.process.role, r.process.id, r.was]) : d.action);

describe('decideUp', () => {
  it('starts a new stack when nothing is recorded, whatever the flags', () => {
    expect(decide(undefined, () => false)).toEqual({ action: 'start' });
    expect(decide(undefined, () => false, { brokers: 3, basePort: 19100 })).toEqual({ action: 'start' });
  });

  it('does nothing when every process runs: without flags, or with flags that match', () => {
    expect(decide(recorded(), () => true)).toEqual({ action: 'none' });
    expect(decide(recorded(), () => true, { brokers: 3, basePort: 19100, mode: 'kraft', kafka: kafka39, config: {}, secure: false })).toEqual({ action: 'none' });
  });

  it('no flags act on the recorded stack, whatever port and size it was started with', () => {
    expect(decide(recorded({ basePort: 19150, brokers: 1, processes: [broker(1)] }), () => true)).toEqual({ action: 'none' });
    expect(restarted(decide(recorded({ basePort: 19150 }), aliveExcept(2)))).toEqual([['broker', 2, 'down']]);
  });

  it('brings back exactly the crashed broker of three, and none of the live ones', () => {
    expect(restarted(decide(recorded(), aliveExcept(2)))).toEqual([['broker', 2, 'down']]);
    expect(restarted(decide(recorded(), aliveExcept(1, 3), { brokers: 3 }))).toEqual([
      ['broker', 1, 'down'],
      ['broker', 3, 'down'],
    ]);
  });

  it('brings back the broker of a one-broker stack that crashed', () => {
    expect(restarted(decide(recorded({ brokers: 1, processes: [broker(1)] }), () => false))).toEqual([['broker', 1, 'down']]);
  });

  it('tells a broker the user stopped (kstack stop) from one that crashed, and brings back both', () => {
    const state = recorded({ processes: [broker(1), broker(2, { stopped: { at: 'x', how: 'clean' } }), broker(3)] });
    expect(restarted(decide(state, aliveExcept(2, 3)))).toEqual([
      ['broker', 2, 'stopped'],
      ['broker', 3, 'down'],
    ]);
  });

  it('restarts a kept stack (down --keep) whole, ZooKeeper before the brokers', () => {
    const zk: ProcessState = { role: 'zookeeper', id: 0, port: 19101, pid: 9, marker: 'zk', logFile: 'zk.log' };
    const state = recorded({ status: 'kept', mode: 'zookeeper', brokers: 1, processes: [broker(1), zk] });
    expect(restarted(decide(state, () => false))).toEqual([
      ['zookeeper', 0, 'kept'],
      ['broker', 1, 'kept'],
    ]);
  });

  it.each<{ what: string; shape: ShapeRequest; says: RegExp }>([
    { what: 'another broker count', shape: { brokers: 1 }, says: /--brokers 1 \(recorded: 3\)/ },
    { what: 'another port', shape: { basePort: 19200 }, says: /--port 19200 \(recorded: 19100\)/ },
    { what: 'another Kafka', shape: { kafka: kafka44 }, says: /--kafka 4\.4\.0 \(recorded: 3\.9\.2\)/ },
    { what: 'ZooKeeper mode', shape: { mode: 'zookeeper' }, says: /--zookeeper \(recorded: KRaft\)/ },
    { what: 'other overrides', shape: { config: { 'log.retention.ms': '1' } }, says: /--config log\.retention\.ms=1 \(recorded: none\)/ },
    { what: '--secure', shape: { secure: true }, says: /--secure \(recorded: not secure\)/ },
  ])('refuses $what, naming the difference, with `kstack down` and --fresh as the way out (exit 2)', ({ shape, says }) => {
    for (const alive of [() => true, aliveExcept(2)]) {
      const d = decide(recorded(), alive, shape);
      expect(d.action).toBe('refuse');
      if (d.action !== 'refuse') continue;
      expect(d.error).toMatchObject({ code: 'STACK_RUNNING', exitCode: 2, message: expect.stringMatching(says) });
      expect(d.error.hint).toMatch(/kstack down.*--fresh/);
    }
  });

  it('says a refused stack is partly down, or kept, when it is', () => {
    const partly = decide(recorded(), aliveExcept(2), { brokers: 1 });
    expect(partly.action === 'refuse' && partly.error.message).toMatch(/records a different stack, partly down/);
    const kept = decide(recorded({ status: 'kept' }), () => false, { brokers: 1 });
    expect(kept.action === 'refuse' && kept.error).toMatchObject({ code: 'STACK_KEPT', message: expect.stringMatching(/holds the kept data of a different stack/) });
  });

  it('--fresh starts over, removing the recorded stack first, even one with other flags', () => {
    const state = recorded();
    expect(decide(state, () => true, { brokers: 1 }, true)).toEqual({ action: 'start', removeFirst: state });
    expect(decide(state, aliveExcept(2), {}, true)).toEqual({ action: 'start', removeFirst: state });
  });
});

describe('describeRestarts', () => {
  it('names each process and why it was not running', () => {
    expect(
      describeRestarts([
        { process: broker(2), was: 'down' },
        { process: broker(3, { stopped: { at: 'x', how: 'killed' } }), was: 'stopped' },
        { process: broker(1, { stopped: { at: 'x', how: 'clean' } }), was: 'stopped' },
        { process: { role: 'zookeeper', id: 0, port: 1, pid: 1, marker: 'm', logFile: 'l' }, was: 'kept' },
      ]),
    ).toBe('broker 2 (was down), broker 3 (killed by kstack stop --kill), broker 1 (stopped by kstack stop), ZooKeeper (kept by down --keep)');
  });
});
