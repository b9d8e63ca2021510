// kstack up --connect as a user runs it: a real distributed Connect worker beside the broker, in status, logs and down;
// restarted on kept data it still has its connectors (they live in Kafka's connect-configs topic).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { isOurs } from '../../lib/stack/process.js';
import { run } from '../support/bins.js';
import { runLocalStackTests } from '../support/java.js';

const runDir = mkdtempSync(join(tmpdir(), 'kstack-connect-'));
const env = { KSTACK_RUN_DIR: runDir };

afterAll(async () => {
  await run('kstack', ['down'], { env, timeoutMs: 60_000 });
  rmSync(runDir, { recursive: true, force: true });
});

async function eventuallyGone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (isOurs(pid, runDir)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still runs 30 s after SIGKILL`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The connector and its one task both RUNNING (the status topic may still show the old worker's states for a moment). */
const running = (b: unknown) => {
  const s = b as { connector?: { state: string }; tasks?: Array<{ state: string }> };
  return s.connector?.state === 'RUNNING' && s.tasks?.[0]?.state === 'RUNNING';
};

async function rest(url: string, path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url + path, { ...init, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.runIf(runLocalStackTests).sequential('kstack up --connect', () => {
  let port = 0;
  let connectPort = 0;
  let url = '';

  it('starts a worker whose REST API lists the FileStream connectors, with internal topics sized to the cluster', async () => {
    port = await findFreeBlock(2, '127.0.0.1');
    connectPort = await findFreeBlock(1, '127.0.0.1');
    url = `http://127.0.0.1:${connectPort}`;
    const up = await run('kstack', ['up', '--local', '--port', String(port), '--connect', '--connect-port', String(connectPort)], { env, timeoutMs: 240_000 });
    expect(up.stderr).toContain(`Kafka Connect at ${url}`);
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split('\n').at(-1)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);

    const plugins = await rest(url, '/connector-plugins');
    expect(plugins.status).toBe(200);
    expect((plugins.body as Array<{ class: string }>).map((p) => p.class).sort()).toEqual([
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
    ]);
    const root = await rest(url, '/');
    expect(root.body).toMatchObject({ version: '3.9.2' });

    const topics = await run('ktopics', ['list', '--json', '-b', `127.0.0.1:${port}`], { env });
    const listed = topics.stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const name of ['connect-configs', 'connect-offsets', 'connect-status']) {
      expect(listed.find((t) => t.name === name)).toMatchObject({ replicationFactor: 1 });
    }
    // The config topic must be one partition (Connect refuses anything else).
    expect(listed.find((t) => t.name === 'connect-configs')).toMatchObject({ partitions: 1 });
  });

  it('status shows the worker; logs shows its log; the same up again is a no-op', async () => {
    const status = await run('kstack', ['status', '--json'], { env });
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ running: true, connect: { url, port: connectPort, plugins: [], groupId: 'kstack-connect' } });
    expect(s.processes.map((p: { role: string }) => p.role)).toEqual(['broker', 'connect']);
    const human = await run('kstack', ['status'], { env });
    expect(human.stdout).toContain(`connect    ${url}`);
    expect(human.stdout).toMatch(new RegExp(`connect\\s+1\\s+port ${connectPort}\\s.*up`));

    const logs = await run('kstack', ['logs', 'connect', '-n', '5000'], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('Kafka Connect worker initializing');

    const again = await run('kstack', ['up', '--local', '--port', String(port), '--connect', '--connect-port', String(connectPort)], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already running/);
    const pid = s.processes[1].pid;
    expect(isOurs(pid, runDir)).toBe(true);
  });

  it('restarted on kept data (down --keep, up), the worker still has its connector and runs it', async () => {
    const file = join(runDir, 'in.txt');
    writeFileSync(file, 'one\n');
    const created = await rest(url, '/connectors', {
      method: 'POST',
      body: JSON.stringify({ name: 'kept-source', config: { 'connector.class': 'FileStreamSource', file, topic: 'kept-lines', 'tasks.max': '1' } }),
    });
    expect(created.status).toBe(201);
    const before = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);

    const down = await run('kstack', ['down', '--keep'], { env, timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/connect 1 \(pid \d+\): stopped/);
    for (const p of before.processes) expect(isOurs(p.pid, runDir)).toBe(false);

    const up = await run('kstack', ['up', '--local', '--port', String(port), '--connect', '--connect-port', String(connectPort)], { env, timeoutMs: 240_000 });
    expect(up.code).toBe(0);
    expect((await rest(url, '/connectors')).body).toEqual(['kept-source']);
    // Poll: the restarted worker starts the connector's task after it has read the config topic.
    const deadline = Date.now() + 60_000;
    let state: unknown;
    while (Date.now() < deadline) {
      const st = await rest(url, '/connectors/kept-source/status');
      state = st.body;
      if (st.status === 200 && running(st.body)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toMatchObject({ name: 'kept-source', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] });
  });

  it('a worker killed with SIGKILL is started again by kstack up, alone, and still runs its connector', async () => {
    const before = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    const worker = before.processes.find((p: { role: string }) => p.role === 'connect');
    const broker = before.processes.find((p: { role: string }) => p.role === 'broker');
    process.kill(worker.pid, 'SIGKILL');
    await eventuallyGone(worker.pid);
    const up = await run('kstack', ['up', '--local', '--port', String(port), '--connect', '--connect-port', String(connectPort), '--json'], { env, timeoutMs: 240_000 });
    expect(up.code).toBe(0);
    const after = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    expect(after.processes.find((p: { role: string }) => p.role === 'broker').pid).toBe(broker.pid);
    const again = after.processes.find((p: { role: string }) => p.role === 'connect');
    expect(again.pid).not.toBe(worker.pid);
    expect(isOurs(again.pid, runDir)).toBe(true);
    expect((await rest(url, '/connectors')).body).toEqual(['kept-source']);
    const deadline = Date.now() + 60_000;
    let state: unknown;
    while (Date.now() < deadline) {
      const st = await rest(url, '/connectors/kept-source/status');
      state = st.body;
      if (st.status === 200 && running(st.body)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] });
  });

  it('down stops the worker with the brokers and removes the data', async () => {
    const s = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    const down = await run('kstack', ['down'], { env, timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(down.stderr).toMatch(/connect 1 \(pid \d+\): stopped/);
    for (const p of s.processes) expect(isOurs(p.pid, runDir)).toBe(false);
    await expect(fetch(url + '/', { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });

  it('--plugin without --connect, and a bad coordinate, are usage errors', async () => {
    const lone = await run('kstack', ['up', '--local', '--plugin', 'a:b:1'], { env });
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/^error: --plugin needs --connect\nhint: add --connect/);
    const bad = await run('kstack', ['up', '--local', '--connect', '--plugin', 'debezium-postgres'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/GROUP:ARTIFACT:VERSION/);
  });

  it('a plugin Maven Central does not have is one line, exit 4, before anything starts', async () => {
    const r = await run('kstack', ['up', '--local', '--port', String(port), '--connect', '--connect-port', String(connectPort), '--plugin', 'io.example.missing:no-such-connector:0.0.1'], { env, timeoutMs: 120_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: cannot resolve Connect plugin io\.example\.missing:no-such-connector:0\.0\.1: io\.example\.missing:no-such-connector:jar:0\.0\.1 is not in \S+\nhint: check the coordinates/);
    expect(JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout)).toEqual({ running: false, processes: [] });
  });
});
