// kstack's provider choice as this machine answers it (no Docker engine here), and `kstack logs` on the local broker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { run, start } from '../support/bins.js';
import { eventually } from '../support/kafka.js';
import { runLocalStackTests } from '../support/java.js';

const runDir = mkdtempSync(join(tmpdir(), 'kstack-providers-e2e-'));
const env = { KSTACK_RUN_DIR: runDir };
// Our machines have the docker client at most, never an engine; on a machine with one these checks do not apply.
const engineAnswers = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5_000 }).status === 0;

afterAll(async () => {
  await run('kstack', ['down'], { env });
  rmSync(runDir, { recursive: true, force: true });
});

describe('without a Docker engine', () => {
  it.skipIf(engineAnswers)('up --docker: one error line naming why, a hint with both ways out, exit 4, nothing started', async () => {
    const r = await run('kstack', ['up', '--docker'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: Docker is not available: (no Docker engine answers \(docker info: .+\)|the docker command was not found)\nhint: .*(start Docker Desktop|install Docker Desktop).*; or run Kafka on this machine's JVM with `kstack up --local`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    const status = await run('kstack', ['status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toEqual({ running: false, processes: [] });
  });

  it.skipIf(engineAnswers)('status --docker reports the missing engine and exits 0; down --docker and logs --docker exit 4', async () => {
    const status = await run('kstack', ['status', '--docker', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false, provider: 'docker', services: [], problem: expect.stringMatching(/^Docker is not available: /) });
    for (const args of [['down', '--docker'], ['logs', '--docker', 'kafka']]) {
      const r = await run('kstack', args, { env });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^error: Docker is not available: /);
    }
  });

  it('--docker with --local, or with a local-broker flag, is a usage error (exit 2)', async () => {
    for (const args of [['up', '--docker', '--local'], ['up', '--docker', '--brokers', '3'], ['up', '--docker', '--port', '19092'], ['status', '--docker', '--local']]) {
      const r = await run('kstack', args, { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/error: option '--docker' cannot be used with option/);
    }
  });

  it('neither docker nor java on PATH: up says how to get either, exit 4', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'node-only-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const r = await run('kstack', ['up'], { env: { ...env, PATH: bin, JAVA_HOME: '' } });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(
        /^error: kstack runs Kafka with Docker or with Java, and this machine has neither: the docker command was not found; java was not found \(tried `java -version`\)\nhint: install Docker Desktop \(or Docker Engine with the compose plugin\) and start it, or install Java 17 and Maven \(Debian\/Ubuntu: apt-get install openjdk-17-jre-headless maven\)\n$/,
      );
      expect(r.stdout).toBe('');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe.runIf(runLocalStackTests).sequential('the local broker: status and logs', () => {
  let port = 0;

  it('up --local starts a broker; status --json names the provider', async () => {
    port = await findFreeBlock(2, '127.0.0.1');
    const up = await run('kstack', ['up', '--local', '--port', String(port)], { env, timeoutMs: 150_000 });
    expect(up.stderr).toMatch(/started one broker, Kafka 3\.9\.2 \(KRaft\)/);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n').at(-1)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);
    const status = await run('kstack', ['status', '--json'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, provider: 'local', bootstrap: `127.0.0.1:${port}` });
  });

  it('up again without --local keeps to the recorded local broker; --docker is refused while it runs (exit 2)', async () => {
    const again = await run('kstack', ['up', '--port', String(port)], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already running/);
    const docker = await run('kstack', ['up', '--docker'], { env });
    expect(docker.code).toBe(2);
    expect(docker.stderr).toMatch(/^error: .* records a local broker, and --docker asks for the other kind\nhint: stop it first with `kstack down`/);
  });

  it('logs prints the end of the broker log to stdout; -n bounds it; a name the stack lacks is exit 2', async () => {
    const all = await run('kstack', ['logs'], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Kafka Server started/);
    expect(all.stdout.split('\n').length).toBeLessThanOrEqual(101);

    const three = await run('kstack', ['logs', 'broker-1', '-n', '3'], { env });
    expect(three.code).toBe(0);
    expect(three.stdout.endsWith('\n')).toBe(true);
    expect(three.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(all.stdout.endsWith(three.stdout)).toBe(true);

    const kafka = await run('kstack', ['logs', 'kafka', '-n', '1'], { env });
    expect(kafka.stdout.trimEnd().split('\n')).toHaveLength(1);

    const bad = await run('kstack', ['logs', 'zookeeper'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: this stack has no log named "zookeeper"\nhint: choose one of broker-1 (or kafka or controller for every broker)\n');
  });

  it('logs -f follows until Ctrl-C, then exits 130', async () => {
    const follow = start('kstack', ['logs', '-f', '-n', '1'], { env, timeoutMs: 30_000 });
    await eventually(() => (follow.stdout().length > 0 ? true : undefined), 10_000, 'the last line');
    follow.child.kill('SIGINT');
    const r = await follow.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/kstack logs: interrupted/);
  });

  it('down stops it; logs then says there is no stack (exit 1)', async () => {
    const down = await run('kstack', ['down'], { env });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/broker 1 \(pid \d+\): stopped/);
    const logs = await run('kstack', ['logs'], { env });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(/^error: no stack in .*, so no logs\nhint: start one with `kstack up`/);
  });
});
