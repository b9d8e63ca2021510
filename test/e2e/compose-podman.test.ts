// Docker Compose v2 and kstack's Docker provider against a real engine API: podman's Docker-compatible service, which
// .ci/image starts on a socket of its own (KTOOL_PODMAN_DOCKER_HOST) with Compose v2 as a docker CLI plugin
// (KTOOL_COMPOSE_DOCKER_CONFIG). Skipped without them. The Confluent images cannot be pulled here, so the stack itself
// never starts: the app service runs without its dependencies, on the host network, against the tests' broker.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { isPortFree } from '../../lib/stack/ports.js';
import { COMPOSE } from '../../lib/stack/versions.js';
import { run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { freshTopic, uniqueName } from '../support/kafka.js';

const dockerHost = process.env.KTOOL_PODMAN_DOCKER_HOST ?? '';
const dockerConfig = process.env.KTOOL_COMPOSE_DOCKER_CONFIG ?? '';
const enabled = dockerHost !== '' && dockerConfig !== '';
const engineEnv = { DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig };

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The installed docker client, talking to podman's API, with a deadline. */
function docker(args: string[], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { cwd: packageRoot(), env: { ...process.env, ...engineEnv, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'compose-podman-'));
// The sandbox has no route from a compose network to the host's 127.0.0.1, where the tests' broker listens.
const override = join(dir, 'host-network.yml');
writeFileSync(override, 'services:\n  app:\n    network_mode: host\n');
const project = uniqueName('ktool-ci').toLowerCase();
const compose = (args: string[], timeoutMs?: number) => docker(['compose', '-p', project, '-f', 'docker-compose.yml', '-f', override, ...args], { timeoutMs });

afterAll(async () => {
  if (enabled) {
    await compose(['down', '--rmi', 'local', '--volumes', '--timeout', '5'], 60_000);
    await docker(['image', 'rm', '--force', `${project}-app`]); // podman's API leaves it after `down --rmi local`
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(enabled).sequential('Compose v2 on podman', () => {
  it("the docker client reaches podman's API, and `docker compose` is v2", async () => {
    const info = await docker(['info', '--format', '{{.ServerVersion}}']);
    expect(info.code).toBe(0);
    expect(info.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const version = await docker(['compose', 'version', '--short']);
    expect(version.stdout.trim()).toMatch(/^2\.\d+\.\d+$/);
  });

  it('builds the app service from the Dockerfile (the stand-in base) and runs `kproduce` in it; kcat reads the record', async () => {
    // Compose's default builder is Bake through buildx, which needs a buildkit image that cannot be pulled here; the
    // engine's own builder (podman's) is what COMPOSE_BAKE=false with DOCKER_BUILDKIT=0 selects.
    const build = await docker(['compose', '-p', project, '-f', 'docker-compose.yml', '-f', override, 'build', 'app'], { env: { COMPOSE_BAKE: 'false', DOCKER_BUILDKIT: '0' }, timeoutMs: 300_000 });
    expect(build.stderr + build.stdout).toMatch(/Built/);
    expect(build.code).toBe(0);
    const topic = await freshTopic('compose-app');
    // `docker compose run --rm app kproduce teste hello`, less the stack it depends on (--no-deps) and with our broker.
    const r = await compose(['run', '--rm', '--no-deps', '-e', `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`, '-e', 'NO_COLOR=1', 'app', 'kproduce', topic, 'hello from compose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^✔ ${topic}\\[0\\]@0 \\d+ ms\\n$`));
    expect(kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n']).stdout).toBe('hello from compose\n');
  });

  it("runs the command under an init process (the service's `init: true`), as uid 1000", async () => {
    const r = await compose(['run', '--rm', '--no-deps', 'app', 'sh', '-c', 'cat /proc/1/comm; id -u']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(podman-init|catatonit|docker-init|tini)\n1000\n$/);
  });
});

describe.runIf(enabled).sequential("kstack's Docker provider on podman's API", () => {
  const runDir = join(dir, 'kstack');
  const env = { ...engineEnv, KSTACK_RUN_DIR: runDir };

  it('status --docker: no compose stack, and no problem reaching the engine', async () => {
    const r = await run('kstack', ['status', '--docker', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ running: false, provider: 'docker', services: [] });
  });

  it('up chooses Docker when the engine answers; the images cannot be pulled: exit 1, the pull error, no-container hint', async (ctx) => {
    if (!(await isPortFree(9092, '127.0.0.1')) || !(await isPortFree(COMPOSE.controlCenterPort, '127.0.0.1'))) ctx.skip(); // up checks them first
    const r = await run('kstack', ['up', '--timeout', '60000'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: docker compose up exited with code 1:\n/);
    expect(r.stderr).toMatch(/confluentinc\/cp-(kafka|zookeeper|enterprise-control-center|kafka-connect|schema-registry):7\.9\.\d+/);
    expect(r.stderr).toMatch(/\nhint: no container was created, so `kstack logs` has nothing to show: an image could not be pulled or built/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(existsSync(join(runDir, 'docker.json'))).toBe(true);

    const status = await run('kstack', ['status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false, provider: 'docker', services: [] });
    const logs = await run('kstack', ['logs', '-n', '5'], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('');
    const down = await run('kstack', ['down', '--timeout', '5000'], { env });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/kstack: compose stack removed, with its volumes/);
    expect(existsSync(join(runDir, 'docker.json'))).toBe(false);
  });
});
