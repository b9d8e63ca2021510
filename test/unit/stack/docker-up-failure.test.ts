// lib/stack/docker up: which hint a failed `compose up` gets, by whether it created containers (an image that cannot
// be pulled creates none: seen against podman's Docker API here, test/e2e/compose-podman.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { dockerProvider, type DockerDeps } from '../../../lib/stack/docker.js';
import { DOCKER_OK, fakeRunner, service, type FakeRunner } from '../../support/docker.js';

let runDir: string;
const paths = () => ({ cacheDir: join(runDir, 'cache'), runDir });
beforeEach(() => {
  runDir = mkdtempSync(join(tmpdir(), 'kstack-docker-fail-'));
});
afterEach(() => rmSync(runDir, { recursive: true, force: true }));

const deps = (runner: FakeRunner): DockerDeps => ({ probe: async () => DOCKER_OK, runner: () => runner, portFree: async () => true });
const pullError = new KtoolError('COMPOSE_FAILED', 'docker compose up exited with code 1:\n kafka Pulling \ninitializing source docker://confluentinc/cp-kafka:7.9.11: pinging container registry registry-1.docker.io: no such host');

describe('docker up that fails', () => {
  it('before any container exists: says no image could be pulled or built, and that there are no logs', async () => {
    const runner = fakeRunner([[]], { upError: pullError });
    const e = await dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 60_000 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'START_FAILED', exitCode: 1, message: expect.stringMatching(/registry-1\.docker\.io/) });
    expect((e as KtoolError).hint).toMatch(/^no container was created, so `kstack logs` has nothing to show: an image could not be pulled or built/);
    expect((e as KtoolError).hint).toMatch(/`kstack up --local`/);
    expect(runner.calls.map((c) => c.op)).toEqual(['ps', 'services', 'up', 'ps']);
  });

  it('with containers created: points at `kstack logs` as before', async () => {
    const runner = fakeRunner([[], [service('kafka', { state: 'exited', exitCode: 1, health: '' })]], { upError: new KtoolError('COMPOSE_FAILED', 'container repo-kafka-1 exited (1)') });
    await expect(dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'START_FAILED', hint: '`kstack logs` shows what the services printed, `kstack down` removes them' });
  });

  it('when listing the containers fails too: keeps the `kstack logs` hint (nothing is claimed that was not seen)', async () => {
    const runner = fakeRunner([[]], { upError: pullError });
    let calls = 0;
    runner.ps = async () => {
      calls += 1;
      if (calls > 1) throw new KtoolError('COMPOSE_FAILED', 'docker compose ps exited with code 1');
      return [];
    };
    await expect(dockerProvider(deps(runner)).up({ paths: paths(), timeoutMs: 60_000 })).rejects.toMatchObject({ hint: expect.stringMatching(/^`kstack logs` shows/) });
  });
});
