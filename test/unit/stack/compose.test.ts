// lib/stack/compose: parsing what Compose prints, mapping its failures, and the Docker probe as this machine answers it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { bounded, parseComposeVersion, parsePs, probeDocker, rethrow, stackRunning } from '../../../lib/stack/compose.js';

// Trimmed from `docker compose ps --all --format json`: one object per line since Compose 2.21, an array before.
const KAFKA = {
  Name: 'repo-kafka-1',
  Service: 'kafka',
  State: 'running',
  Health: 'healthy',
  ExitCode: 0,
  Publishers: [
    { URL: '0.0.0.0', TargetPort: 9092, PublishedPort: 9092, Protocol: 'tcp' },
    { URL: '::', TargetPort: 9092, PublishedPort: 9092, Protocol: 'tcp' },
    { URL: '', TargetPort: 29092, PublishedPort: 0, Protocol: 'tcp' },
  ],
};
const INIT = { Name: 'repo-init-topics-1', Service: 'init-topics', State: 'exited', Health: '', ExitCode: 0, Publishers: null };
const PARSED = [
  { service: 'kafka', name: 'repo-kafka-1', state: 'running', health: 'healthy', exitCode: 0, ports: [9092] },
  { service: 'init-topics', name: 'repo-init-topics-1', state: 'exited', health: '', exitCode: 0, ports: [] },
];

describe('parsePs', () => {
  it('reads JSON lines (Compose 2.21+)', () => {
    expect(parsePs(`${JSON.stringify(KAFKA)}\n${JSON.stringify(INIT)}\n`)).toEqual(PARSED);
  });
  it('reads a JSON array (Compose before 2.21)', () => {
    expect(parsePs(JSON.stringify([KAFKA, INIT]))).toEqual(PARSED);
  });
  it('reads nothing as no containers', () => {
    expect(parsePs('\n')).toEqual([]);
    expect(parsePs('[]')).toEqual([]);
  });
  it('a healthy stack with its init step done is running', () => {
    expect(stackRunning(PARSED)).toBe(true);
    expect(stackRunning([{ ...PARSED[0]!, health: 'starting' }])).toBe(false);
    expect(stackRunning([PARSED[1]!])).toBe(false);
  });
});

describe('parseComposeVersion', () => {
  it.each([
    ['2.29.1', { major: 2, minor: 29 }],
    ['v2.17.0', { major: 2, minor: 17 }],
    ['2.30.3-desktop.1', { major: 2, minor: 30 }],
    ['1.29.2', { major: 1, minor: 29 }],
    ['', undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseComposeVersion(text)).toEqual(expected);
  });
});

describe('rethrow', () => {
  it("turns the npm package's result object into an error with the end of compose's output", () => {
    let e: unknown;
    try {
      rethrow('docker compose up')({ exitCode: 1, out: '', err: 'pulling\nError response from daemon: port is already allocated\n' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(KtoolError);
    expect(e).toMatchObject({ code: 'COMPOSE_FAILED', exitCode: 1, message: 'docker compose up exited with code 1:\npulling\nError response from daemon: port is already allocated' });
  });
  it('a spawn failure (no docker binary) is an environment error, exit 4', () => {
    expect(() => rethrow('docker compose ps')(Object.assign(new Error('spawn docker ENOENT'), { code: 'ENOENT' }))).toThrow(expect.objectContaining({ exitCode: 4, message: 'docker compose ps: spawn docker ENOENT' }));
  });
});

describe('bounded', () => {
  it('rejects with exit 3 when the work outlasts its bound', async () => {
    await expect(bounded(new Promise(() => {}), 50, 'docker compose ps')).rejects.toMatchObject({ code: 'TIMEOUT', exitCode: 3, message: 'docker compose ps did not finish within 50 ms' });
    await expect(bounded(Promise.resolve(7), 50, 'x')).resolves.toBe(7);
  });
});

describe('probeDocker on this machine', () => {
  const hasDockerCli = spawnSync('docker', ['--version'], { stdio: 'ignore' }).status === 0;

  it('without a docker command: not available, and how to get it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-docker-'));
    try {
      expect(await probeDocker('/repo/docker-compose.yml', { PATH: empty })).toEqual({
        ok: false,
        reason: 'the docker command was not found',
        hint: expect.stringMatching(/install Docker Desktop/),
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.runIf(hasDockerCli)('with the client but no engine at DOCKER_HOST: not available, quoting docker info, within a few seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-engine-'));
    const started = Date.now();
    try {
      const docker = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(docker, join(dir, 'docker'));
      const r = await probeDocker('/repo/docker-compose.yml', { PATH: dir, HOME: dir, DOCKER_HOST: `unix://${join(dir, 'docker.sock')}` });
      expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^no Docker engine answers \(docker info: .*docker\.sock/), hint: expect.stringMatching(/start Docker Desktop/) });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
