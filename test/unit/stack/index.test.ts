// lib/stack/index: which provider runs the stack, for every combination of Docker engine, Java and --docker/--local.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseForUp, chooseRecorded, decideProvider, type ProviderName, type ProviderRequest } from '../../../lib/stack/index.js';
import { writeState, type StackState } from '../../../lib/stack/state.js';
import { DOCKER_OK, NO_ENGINE, fakeMachine } from '../../support/docker.js';

type Outcome = ProviderName | 'docker-missing' | 'neither';

// flag × engine × java → what `kstack up` does, and which probes it runs (a forced choice asks nothing it does not need).
const UP_TABLE: Array<[ProviderRequest, boolean, boolean, Outcome, string[]]> = [
  ['auto', true, true, 'docker', ['docker']],
  ['auto', true, false, 'docker', ['docker']],
  ['auto', false, true, 'local', ['docker', 'java']],
  ['auto', false, false, 'neither', ['docker', 'java']],
  ['docker', true, true, 'docker', ['docker']],
  ['docker', true, false, 'docker', ['docker']],
  ['docker', false, true, 'docker-missing', ['docker']],
  ['docker', false, false, 'docker-missing', ['docker']],
  // --local never asks Docker; without Java the local provider's own "Java was not found" (exit 4) follows.
  ['local', true, true, 'local', []],
  ['local', true, false, 'local', []],
  ['local', false, true, 'local', []],
  ['local', false, false, 'local', []],
];

// The test setup prefers Java (a private broker on free ports) and falls back to Docker.
const SETUP_TABLE: Array<[boolean, boolean, Outcome, string[]]> = [
  [true, true, 'local', ['java']],
  [false, true, 'local', ['java']],
  [true, false, 'docker', ['java', 'docker']],
  [false, false, 'neither', ['java', 'docker']],
];

async function outcome(p: Promise<{ name: ProviderName }>): Promise<Outcome> {
  try {
    return (await p).name;
  } catch (e) {
    const code = (e as { code?: string }).code;
    expect((e as { exitCode?: number }).exitCode).toBe(4);
    return code === 'NO_RUNTIME' ? 'neither' : code === 'DOCKER_UNAVAILABLE' ? 'docker-missing' : (code as Outcome);
  }
}

describe('decideProvider for kstack up (prefers Docker)', () => {
  it.each(UP_TABLE)('flag %s, engine %s, java %s → %s (asks %j)', async (request, engine, java, expected, asked) => {
    const machine = fakeMachine({ docker: engine ? DOCKER_OK : NO_ENGINE, java });
    expect(await outcome(decideProvider(request, machine))).toBe(expected);
    expect(machine.asked).toEqual(asked);
  });

  it('says why Docker was not used when it falls back to the JVM', async () => {
    const d = await decideProvider('auto', fakeMachine({ docker: NO_ENGINE, java: true }));
    expect(d).toEqual({ name: 'local', note: expect.stringMatching(/^starting Kafka on this machine's JVM; Docker is not available: no Docker engine answers \(docker info: .*\)$/) });
  });

  it('--docker without an engine: one line naming the reason, a hint with both ways out, exit 4', async () => {
    await expect(decideProvider('docker', fakeMachine({ docker: NO_ENGINE, java: true }))).rejects.toMatchObject({
      exitCode: 4,
      message: 'Docker is not available: no Docker engine answers (docker info: Cannot connect to the Docker daemon)',
      hint: expect.stringMatching(/^start Docker Desktop or the Docker engine; or run Kafka on this machine's JVM with `kstack up --local`/),
    });
  });

  it('neither Docker nor Java: one message that says how to get either, exit 4', async () => {
    const e = await decideProvider('auto', fakeMachine({ docker: NO_ENGINE, java: false })).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'NO_RUNTIME', exitCode: 4 });
    const { message, hint } = e as { message: string; hint: string };
    expect(message).toMatch(/^kstack runs Kafka with Docker or with Java, and this machine has neither: no Docker engine answers \(docker info: .*\); java was not found/);
    expect(message).not.toContain('\n');
    expect(hint).toMatch(/install Docker Desktop .* or install Java 17 and Maven \(Debian\/Ubuntu: apt-get install openjdk-17-jre-headless maven\)/);
  });
});

describe('decideProvider for the test setup (prefers Java)', () => {
  it.each(SETUP_TABLE)('engine %s, java %s → %s (asks %j)', async (engine, java, expected, asked) => {
    const machine = fakeMachine({ docker: engine ? DOCKER_OK : NO_ENGINE, java });
    expect(await outcome(decideProvider('auto', machine, 'local'))).toBe(expected);
    expect(machine.asked).toEqual(asked);
  });
});

describe('the stack recorded in the run directory', () => {
  let runDir: string;
  const paths = () => ({ cacheDir: join(runDir, 'cache'), runDir });
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'kstack-choose-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  const recordDocker = () => writeFileSync(join(runDir, 'docker.json'), JSON.stringify({ provider: 'docker', status: 'running', runDir }));
  const recordLocal = (over: Partial<StackState> = {}) =>
    writeState({ provider: 'local', kafka: '3.9.2', mode: 'kraft', brokers: 1, basePort: 9092, host: '127.0.0.1', bootstrap: '127.0.0.1:9092', runDir, status: 'kept', startedAt: '2025-01-01T00:00:00Z', processes: [], ...over });

  it('nothing recorded: down, status and logs go to the local provider unless a flag says otherwise', () => {
    expect(chooseRecorded('auto', runDir)).toBe('local');
    expect(chooseRecorded('docker', runDir)).toBe('docker');
  });

  it('a recorded Docker stack: down, status and logs go to Docker, and up again asks no probe', async () => {
    recordDocker();
    expect(chooseRecorded('auto', runDir)).toBe('docker');
    expect(chooseRecorded('local', runDir)).toBe('local');
    const machine = fakeMachine({ docker: NO_ENGINE, java: true });
    expect(await chooseForUp('auto', machine, paths())).toEqual({ name: 'docker' });
    expect(machine.asked).toEqual([]);
  });

  it('a recorded stack refuses a flag for the other kind (exit 2)', async () => {
    recordDocker();
    const machine = fakeMachine({ docker: DOCKER_OK, java: true });
    await expect(chooseForUp('local', machine, paths())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/records the Docker compose stack, and --local asks for the other kind/) });
    await expect(chooseForUp('auto', machine, paths(), ['brokers'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--brokers \(local-broker flags\)/) });
    rmSync(join(runDir, 'docker.json'));
    recordLocal();
    await expect(chooseForUp('docker', machine, paths())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/records a local broker, and --docker asks/) });
    expect(await chooseForUp('auto', machine, paths())).toEqual({ name: 'local' }); // restarts on the kept data
  });

  it('a local state whose processes all died still holds the choice: up brings them back on their data (issue 12)', async () => {
    recordLocal({ status: 'running', processes: [{ role: 'broker', id: 1, port: 9092, pid: 999_999_999, marker: join(runDir, 'gone'), logFile: join(runDir, 'out.log') }] });
    const machine = fakeMachine({ docker: DOCKER_OK, java: true });
    expect(await chooseForUp('auto', machine, paths())).toEqual({ name: 'local' });
    expect(machine.asked).toEqual([]);
    await expect(chooseForUp('docker', machine, paths())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/records a local broker, and --docker asks/) });
  });

  it('local-broker flags pick the local broker without asking Docker', async () => {
    const machine = fakeMachine({ docker: DOCKER_OK, java: true });
    expect(await chooseForUp('auto', machine, paths(), ['brokers', 'port'])).toEqual({ name: 'local' });
    expect(machine.asked).toEqual([]);
  });

  it('docker.json wins over a state.json in the same run directory', () => {
    mkdirSync(runDir, { recursive: true });
    recordLocal();
    recordDocker();
    expect(chooseRecorded('auto', runDir)).toBe('docker');
  });
});
