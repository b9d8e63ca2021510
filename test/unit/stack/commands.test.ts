// lib/stack/commands: input checks that must fail before anything starts; the Docker path end to end with a recording runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downCommand, logsCommand, statusCommand, upCommand } from '../../../lib/stack/commands.js';
import { DOCKER_OK, HEALTHY, NO_ENGINE, fakeMachine, fakeRunner, service } from '../../support/docker.js';
import { memoryIo } from '../../support/kafka.js';
import { readState, writeState } from '../../../lib/stack/state.js';

const base = { brokers: 1, zookeeper: false, kafka: '3.9', port: 9092, heap: '512m', config: [] as string[], timeoutMs: 1_000, json: false };
const paths = { cacheDir: '/nonexistent/cache', runDir: '/nonexistent/run' };

describe('upCommand input checks', () => {
  it.each([
    [{ brokers: 3, port: 65_534 }, /--port 65534 leaves no room: this stack needs ports 65534-65539/],
    [{ brokers: 1, port: 65_535 }, /needs ports 65535-65536/],
    [{ zookeeper: true, kafka: '4.4' }, /Kafka 4\.4\.0 has no ZooKeeper mode/],
    [{ kafka: '2.8' }, /unknown Kafka version "2\.8"/],
    [{ config: ['node.id=5'] }, /^--config node\.id: kstack sets node\.id itself$/],
    [{ config: ['log.retention.ms=1', 'listeners=PLAINTEXT://:9092'] }, /^--config listeners: kstack sets listeners itself$/],
    [{ config: ['auto.create.topics.enable'] }, /expected name=value/],
    [{ config: ['Auto.Create=1'] }, /"Auto\.Create" is not a broker property name/],
  ])('%j is a usage error (exit 2)', async (over, message) => {
    const io = memoryIo();
    await expect(upCommand(io, { ...base, ...over }, paths)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(io.stdoutText()).toBe('');
  });
});

describe('kstack commands with the Docker provider (a recording compose runner)', () => {
  let runDir: string;
  const dockerPaths = () => ({ cacheDir: join(runDir, 'cache'), runDir });
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'kstack-cmd-docker-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  // zookeeper already runs (so no host-port check), kafka not yet: up runs, then ps shows the stack healthy.
  const halfStarted = () => fakeRunner([[service('zookeeper')], HEALTHY]);

  it('up: Docker when an engine answers; KAFKA_BROKERS last on stdout, both URLs on stderr; --json has them too', async () => {
    const machine = fakeMachine({ docker: DOCKER_OK, java: true, runner: halfStarted() });
    const io = memoryIo();
    await upCommand(io, { ...base, json: true, timeoutMs: undefined }, dockerPaths(), machine);
    expect(machine.asked).not.toContain('java');
    expect(machine.runner.calls.find((c) => c.op === 'up')?.args).toEqual({ waitTimeoutS: 300 });
    const lines = io.stdoutLines();
    expect(lines.at(-1)).toBe('KAFKA_BROKERS=localhost:9092');
    expect(JSON.parse(lines[0]!)).toMatchObject({ provider: 'docker', bootstrap: 'localhost:9092', controlCenter: 'http://localhost:9021', alreadyRunning: false, status: 'running', runDir });
    expect(io.stderrText()).toMatch(/started the compose stack \(Confluent Platform 7\.9\.\d+: Kafka 3\.9 with ZooKeeper, Control Center\) in \d+\.\d s/);
    expect(io.stderrText()).toContain('kstack: Kafka at localhost:9092, Control Center at http://localhost:9021');
  });

  it('status and logs then go to Docker without a flag; down -v forgets the stack', async () => {
    const machine = fakeMachine({ docker: DOCKER_OK, java: true, runner: halfStarted() });
    await upCommand(memoryIo(), { ...base }, dockerPaths(), machine);
    machine.runner.psResults = [HEALTHY];

    const status = memoryIo();
    await statusCommand(status, { json: true }, dockerPaths(), machine);
    const s = JSON.parse(status.stdoutText());
    expect(s).toMatchObject({ running: true, provider: 'docker', bootstrap: 'localhost:9092', status: 'running' });
    expect(s.services.map((x: { service: string }) => x.service)).toEqual(['zookeeper', 'kafka', 'control-center', 'init-topics']);
    const human = memoryIo();
    await statusCommand(human, { json: false }, dockerPaths(), machine);
    expect(human.stdoutLines()[0]).toMatch(/^running: the compose stack/);
    expect(human.stdoutText()).toMatch(/^kafka +repo-kafka-1 +running +healthy +ports 9092$/m);

    const logs = memoryIo();
    await logsCommand(logs, { service: 'kafka', lines: 5, follow: false }, dockerPaths(), machine);
    expect(logs.stdoutText()).toContain('INFO started');

    const down = memoryIo();
    await downCommand(down, { keep: false, timeoutMs: 30_000, json: true }, dockerPaths(), machine);
    expect(JSON.parse(down.stdoutText())).toMatchObject({ provider: 'docker', removedData: true, stopped: [{ service: 'zookeeper' }, { service: 'kafka' }, { service: 'control-center' }, { service: 'init-topics' }] });
    expect(machine.runner.calls.at(-1)).toEqual({ op: 'down', args: { volumes: true, timeoutS: 30 } });
    const after = memoryIo();
    await statusCommand(after, { json: true }, dockerPaths(), machine);
    expect(JSON.parse(after.stdoutText())).toEqual({ running: false, processes: [] }); // nothing recorded: the local provider answers
  });

  it('up --docker without an engine: exit 4 with the hint, nothing on stdout, Java never asked', async () => {
    const machine = fakeMachine({ docker: NO_ENGINE, java: true });
    const io = memoryIo();
    await expect(upCommand(io, { ...base, provider: 'docker' }, dockerPaths(), machine)).rejects.toMatchObject({ exitCode: 4, hint: expect.stringMatching(/kstack up --local/) });
    expect(machine.asked).toEqual(['docker']);
    expect(io.stdoutText()).toBe('');
  });

  it('up with neither Docker nor Java: exit 4 before anything starts', async () => {
    const io = memoryIo();
    await expect(upCommand(io, { ...base }, dockerPaths(), fakeMachine({ docker: NO_ENGINE, java: false }))).rejects.toMatchObject({ code: 'NO_RUNTIME', exitCode: 4 });
    expect(io.stdoutText()).toBe('');
  });
});

describe('kstack status of a local stack with processes gone (issue 12)', () => {
  let runDir: string;
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'kstack-cmd-status-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  // Broker 1 is this test process (its command line holds "vitest"); 2 was stopped with kstack stop; 3 crashed.
  const record = () =>
    writeState({
      provider: 'local', kafka: '3.9.2', mode: 'kraft', brokers: 3, basePort: 19100, host: '127.0.0.1', bootstrap: '127.0.0.1:19100,127.0.0.1:19101,127.0.0.1:19102', config: {}, runDir, status: 'running', startedAt: 'x',
      processes: [
        { role: 'broker', id: 1, port: 19100, pid: process.pid, marker: 'vitest', logFile: 'b1.log' },
        { role: 'broker', id: 2, port: 19101, pid: 999_999_998, marker: 'gone', logFile: 'b2.log', stopped: { at: 'x', how: 'clean' } },
        { role: 'broker', id: 3, port: 19102, pid: 999_999_999, marker: 'gone', logFile: 'b3.log' },
      ],
    });

  it('shows up, stopped (kstack stop) and down (a crash) apart, in text and JSON', async () => {
    record();
    const paths = { cacheDir: join(runDir, 'cache'), runDir };
    const json = memoryIo();
    await statusCommand(json, { json: true }, paths);
    const s = JSON.parse(json.stdoutText());
    expect(s.running).toBe(false);
    expect(s.processes.map((p: { id: number; state: string; running: boolean }) => [p.id, p.state, p.running])).toEqual([
      [1, 'up', true],
      [2, 'stopped', false],
      [3, 'down', false],
    ]);
    const human = memoryIo();
    await statusCommand(human, { json: false }, paths);
    expect(human.stdoutLines()[0]).toMatch(/^degraded: some processes are not running \(kstack up restarts them\)/);
    expect(human.stdoutText()).toMatch(/^broker +2 .* stopped +log b2\.log$/m);
    expect(human.stdoutText()).toMatch(/^broker +3 .* down +log b3\.log$/m);
  });

  it('with only user-stopped processes, says which and how to bring them back', async () => {
    record();
    const state = readState(runDir)!;
    writeState({ ...state, processes: state.processes.filter((p) => p.id !== 3) });
    const human = memoryIo();
    await statusCommand(human, { json: false }, { cacheDir: join(runDir, 'cache'), runDir });
    expect(human.stdoutLines()[0]).toMatch(/^degraded: broker 2 stopped by kstack stop \(kstack start or kstack up restarts it\)/);
  });
});
