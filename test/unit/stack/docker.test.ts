// lib/stack/docker: what the Docker provider asks compose to do, what it records and reports, with a recording runner.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { dockerProvider, dockerStateFile, readDockerState, type DockerDeps } from '../../../lib/stack/docker.js';
import { DOCKER_OK, HEALTHY, NO_ENGINE, fakeRunner, service, type FakeRunner } from '../../support/docker.js';

let runDir: string;
const paths = () => ({ cacheDir: join(runDir, 'cache'), runDir });

beforeEach(() => {
  runDir = mkdtempSync(join(tmpdir(), 'kstack-docker-'));
});
afterEach(() => rmSync(runDir, { recursive: true, force: true }));

function deps(runner: FakeRunner, o: Partial<DockerDeps> = {}): DockerDeps {
  return { probe: async () => DOCKER_OK, runner: () => runner, portFree: async () => true, ...o };
}

describe('docker up', () => {
  it('runs up with --wait-timeout from --timeout, reports compose progress, records docker.json and the URLs', async () => {
    const runner = fakeRunner([[], HEALTHY]);
    const progress: string[] = [];
    const r = await dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 90_500, onProgress: (t) => progress.push(t) });
    expect(runner.calls.map((c) => c.op)).toEqual(['ps', 'services', 'up']);
    expect(runner.calls[2]?.args).toEqual({ waitTimeoutS: 91 });
    expect(progress).toEqual(['docker compose up (the first start pulls the images)', 'docker compose: Container repo-kafka-1  Waiting']);
    expect(r.alreadyRunning).toBe(false);
    expect(r.state).toMatchObject({ provider: 'docker', bootstrap: 'localhost:9092', controlCenter: 'http://localhost:9021', status: 'running', runDir, composeFile: '/repo/docker-compose.yml', compose: DOCKER_OK.ok ? DOCKER_OK.compose : {} });
    expect(readDockerState(runDir)).toEqual(r.state);
  });

  it('a healthy stack is already running: no up, the same start time', async () => {
    const runner = fakeRunner([[], HEALTHY]);
    const first = await dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 1_000 });
    const again = fakeRunner([HEALTHY]);
    const r = await dockerProvider(deps(again)).up({ paths: paths(), timeoutMs: 1_000 });
    expect(r.alreadyRunning).toBe(true);
    expect(again.calls.map((c) => c.op)).toEqual(['ps', 'services']);
    expect(r.state.startedAt).toBe(first.state.startedAt);
  });

  it('a half-started stack is brought up again (compose up is idempotent)', async () => {
    const runner = fakeRunner([[service('zookeeper'), service('kafka', { state: 'exited', exitCode: 137, health: '' })], HEALTHY]);
    const r = await dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 1_000 });
    expect(r.alreadyRunning).toBe(false);
    expect(runner.calls.map((c) => c.op)).toEqual(['ps', 'services', 'up']);
  });

  it('a stack whose running services are only some of the compose file is not running yet', async () => {
    const runner = fakeRunner([[service('zookeeper')], HEALTHY]);
    expect((await dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 1_000 })).alreadyRunning).toBe(false);
    expect(runner.calls.map((c) => c.op)).toEqual(['ps', 'services', 'up']);
  });

  it('a taken port 9092 is exit 4 before compose runs', async () => {
    const runner = fakeRunner([[]]);
    await expect(dockerProvider(deps(runner, { portFree: async (p) => p !== 9092 })).up({ paths: paths(), timeoutMs: 1_000 })).rejects.toMatchObject({
      exitCode: 4,
      message: 'port 9092 on 127.0.0.1 is already in use, and the compose stack publishes it',
      hint: expect.stringMatching(/kstack down/),
    });
    expect(runner.calls.map((c) => c.op)).toEqual(['ps', 'services']);
  });

  it('a failed up keeps docker.json so logs and down reach the containers; the error carries compose output', async () => {
    const runner = fakeRunner([[]], { upError: new KtoolError('COMPOSE_FAILED', 'docker compose up exited with code 1:\ncontainer repo-kafka-1 is unhealthy') });
    await expect(dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'START_FAILED',
      exitCode: 1,
      message: expect.stringMatching(/is unhealthy/),
      hint: expect.stringMatching(/`kstack logs` .* `kstack down`/),
    });
    expect(existsSync(dockerStateFile(runDir))).toBe(true);
  });

  it('an up that fails once --timeout has passed is a timeout, exit 3', async () => {
    const runner = fakeRunner([[]]);
    runner.up = async () => {
      await new Promise((r) => setTimeout(r, 1_100));
      throw new KtoolError('COMPOSE_FAILED', 'docker compose up exited with code 1');
    };
    await expect(dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'START_TIMEOUT', exitCode: 3, hint: expect.stringMatching(/^allow more time with --timeout MS/) });
  });

  it('no engine: exit 4, nothing recorded', async () => {
    const runner = fakeRunner();
    await expect(dockerProvider(deps(runner, { probe: async () => NO_ENGINE })).up({ paths: paths(), timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE', exitCode: 4 });
    expect(runner.calls).toEqual([]);
    expect(existsSync(dockerStateFile(runDir))).toBe(false);
  });
});

describe('docker down', () => {
  it('down -v with the shutdown timeout in seconds, and forgets the stack', async () => {
    await dockerProvider(deps(fakeRunner([[], HEALTHY]))).up({ paths: paths(), timeoutMs: 1_000 });
    const runner = fakeRunner([HEALTHY]);
    const r = await dockerProvider(deps(runner)).down({ paths: paths(), timeoutMs: 30_000, keep: false });
    expect(runner.calls).toEqual([{ op: 'ps', args: undefined }, { op: 'down', args: { volumes: true, timeoutS: 30 } }]);
    expect(r).toMatchObject({ removedData: true, services: HEALTHY, state: { provider: 'docker' } });
    expect(existsSync(dockerStateFile(runDir))).toBe(false);
  });

  it('--keep stops the containers and records them as kept', async () => {
    await dockerProvider(deps(fakeRunner([[], HEALTHY]))).up({ paths: paths(), timeoutMs: 1_000 });
    const runner = fakeRunner([HEALTHY]);
    const r = await dockerProvider(deps(runner)).down({ paths: paths(), timeoutMs: 10_000, keep: true });
    expect(runner.calls.map((c) => [c.op, c.args])).toEqual([['ps', undefined], ['stop', { timeoutS: 10 }]]);
    expect(r.removedData).toBe(false);
    expect(JSON.parse(readFileSync(dockerStateFile(runDir), 'utf8'))).toMatchObject({ status: 'kept' });
  });

  it('without an engine it cannot stop anything: exit 4, the record stays', async () => {
    await dockerProvider(deps(fakeRunner([[], HEALTHY]))).up({ paths: paths(), timeoutMs: 1_000 });
    await expect(dockerProvider(deps(fakeRunner(), { probe: async () => NO_ENGINE })).down({ paths: paths(), timeoutMs: 1_000, keep: false })).rejects.toMatchObject({ exitCode: 4 });
    expect(existsSync(dockerStateFile(runDir))).toBe(true);
  });
});

describe('docker status', () => {
  it.each([
    ['healthy, init step exited 0', HEALTHY, true],
    ['kafka still starting', HEALTHY.map((s) => (s.service === 'kafka' ? { ...s, health: 'starting' } : s)), false],
    ['kafka unhealthy', HEALTHY.map((s) => (s.service === 'kafka' ? { ...s, health: 'unhealthy' } : s)), false],
    ['kafka exited', HEALTHY.map((s) => (s.service === 'kafka' ? { ...s, state: 'exited', exitCode: 143, health: '' } : s)), false],
    ['nothing', [], false],
  ])('%s → running %s', async (_, services, running) => {
    const r = await dockerProvider(deps(fakeRunner([services]))).status({ paths: paths() });
    expect(r).toEqual({ running, services });
  });

  it('services of the compose file without a container: not running, and which', async () => {
    const services = [service('zookeeper'), service('kafka')];
    const r = await dockerProvider(deps(fakeRunner([services]))).status({ paths: paths() });
    expect(r).toEqual({ running: false, services, missing: ['control-center', 'init-topics'] });
  });

  it('without an engine: not running, and why', async () => {
    const r = await dockerProvider(deps(fakeRunner(), { probe: async () => NO_ENGINE })).status({ paths: paths() });
    expect(r).toEqual({ running: false, services: [], problem: `Docker is not available: ${NO_ENGINE.ok ? '' : NO_ENGINE.reason}` });
  });
});

describe('docker logs', () => {
  it('passes service, --tail and --follow to compose logs and writes what it prints', async () => {
    const runner = fakeRunner([HEALTHY]);
    const written: string[] = [];
    await dockerProvider(deps(runner)).logs({ paths: paths(), service: 'kafka', lines: 20, follow: false, write: (c) => void written.push(c.toString()) });
    expect(runner.calls).toEqual([{ op: 'ps', args: undefined }, { op: 'logs', args: { services: ['kafka'], follow: false, tail: 20 } }]);
    expect(written.join('')).toContain('INFO started');
  });

  it('all services when none is named', async () => {
    const runner = fakeRunner([HEALTHY]);
    await dockerProvider(deps(runner)).logs({ paths: paths(), lines: 100, follow: true, write: () => {} });
    expect(runner.calls).toEqual([{ op: 'logs', args: { services: [], follow: true, tail: 100 } }]);
  });

  it('a service the stack does not have is a usage error naming the ones it has', async () => {
    await expect(dockerProvider(deps(fakeRunner([HEALTHY]))).logs({ paths: paths(), service: 'broker-1', lines: 10, follow: false, write: () => {} })).rejects.toMatchObject({
      exitCode: 2,
      message: 'the compose stack has no service "broker-1"',
      hint: 'choose one of zookeeper, kafka, control-center, init-topics',
    });
  });

  it('following ends when we are interrupted, even if compose is still printing', async () => {
    const runner = fakeRunner([HEALTHY], { logs: () => new Promise(() => {}) });
    const controller = new AbortController();
    const done = dockerProvider(deps(runner)).logs({ paths: paths(), lines: 10, follow: true, write: () => {}, signal: controller.signal });
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });
});
