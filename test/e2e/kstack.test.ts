// kstack as a user runs it: up prints KAFKA_BROKERS last, is idempotent, status tells the truth, down stops it.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { isOurs } from '../../lib/stack/process.js';
import { run } from '../support/bins.js';
import { runLocalStackTests } from '../support/java.js';

const runDir = mkdtempSync(join(tmpdir(), 'kstack-e2e-'));
const env = { KSTACK_RUN_DIR: runDir };

afterAll(async () => {
  await run('kstack', ['down'], { env });
  rmSync(runDir, { recursive: true, force: true });
});

describe.runIf(runLocalStackTests).sequential('kstack', () => {
  it('up starts a broker and prints KAFKA_BROKERS=host:port as the last stdout line; again, says it already runs', async () => {
    const port = await findFreeBlock(2, '127.0.0.1');
    const up = await run('kstack', ['up', '--port', String(port)], { env, timeoutMs: 150_000 });
    expect(up.stderr).toMatch(/started one broker, Kafka 3\.9\.2 \(KRaft\)/);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n').at(-1)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);

    const again = await run('kstack', ['up', '--port', String(port)], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already running/);
    expect(again.stdout.trim()).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);

    const status = await run('kstack', ['status', '--json'], { env });
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ running: true, kafka: '3.9.2', mode: 'kraft', brokers: 1, bootstrap: `127.0.0.1:${port}`, runDir });
    expect(s.processes).toHaveLength(1);

    const human = await run('kstack', ['status'], { env });
    expect(human.stdout).toMatch(/^running: one broker, Kafka 3\.9\.2 \(KRaft\)/);
    expect(human.stdout).toContain(`pid ${s.processes[0].pid}`);

    const down = await run('kstack', ['down'], { env });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/broker 1 \(pid \d+\): stopped/);
    expect(isOurs(s.processes[0].pid, runDir)).toBe(false);
    const after = await run('kstack', ['status', '--json'], { env });
    expect(JSON.parse(after.stdout)).toEqual({ running: false, processes: [] });
  });

  it('down with nothing running says so and exits 0', async () => {
    const down = await run('kstack', ['down'], { env });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/nothing to stop/);
  });

  it('a taken port is a one-line error with a hint, exit 4, and nothing left running', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const up = await run('kstack', ['up', '--port', String(port)], { env });
      expect(up.code).toBe(4);
      expect(up.stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
      expect(up.stderr).toMatch(/hint: .*--port/);
      expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(up.stdout).toBe('');
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['up', '--zookeeper', '--kafka', '4.4'], /Kafka 4\.4\.0 has no ZooKeeper mode/],
    [['up', '--brokers', '0'], /--brokers.*expected a whole number from 1 to 9/],
    [['up', '--kafka', '2.8'], /--kafka.*Allowed choices/],
    [['up', '--heap', 'lots'], /expected a size like 384m/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('rejects bad input %j with exit 2', async (args, message) => {
    const r = await run('kstack', args, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('up --local says how to get Java when there is none, exit 4', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-java-'));
    try {
      const r = await run('kstack', ['up', '--local', '--port', String(await findFreeBlock(2, '127.0.0.1'))], { env: { ...env, PATH: empty, JAVA_HOME: '' } });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^error: Java was not found .*\nhint: install Java 17 or newer/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says how to get Maven when the jars are not cached and there is no mvn, exit 4', async () => {
    // Java is on PATH, Maven is not, and KSTACK_HOME points at an empty cache.
    const bin = mkdtempSync(join(tmpdir(), 'java-only-'));
    const home = mkdtempSync(join(tmpdir(), 'kstack-home-'));
    const java = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(java, join(bin, 'java'));
    try {
      const r = await run('kstack', ['up', '--port', String(await findFreeBlock(2, '127.0.0.1'))], { env: { KSTACK_HOME: home, PATH: bin, JAVA_HOME: '' } });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/error: Maven was not found .*\nhint: install Maven 3/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });
});
