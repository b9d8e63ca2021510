// kstack up --registry as a user runs it: a broker and a real Schema Registry, the URL line, status, logs and down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { isOurs } from '../../lib/stack/process.js';
import { run } from '../support/bins.js';
import { runRegistryTests } from '../support/registry.js';

const runDir = mkdtempSync(join(tmpdir(), 'kstack-registry-e2e-'));
const env = { KSTACK_RUN_DIR: runDir };

afterAll(async () => {
  await run('kstack', ['down'], { env });
  rmSync(runDir, { recursive: true, force: true });
});

describe.runIf(runRegistryTests).sequential('kstack up --registry', () => {
  it('starts the registry after the broker, prints KAFKA_SCHEMA_REGISTRY_URL before KAFKA_BROKERS, and is idempotent', async () => {
    const port = await findFreeBlock(4, '127.0.0.1');
    const registryPort = port + 2; // the broker takes port and port + 1 (its controller)
    const up = await run('kstack', ['up', '--port', String(port), '--registry', '--registry-port', String(registryPort), '--json'], { env, timeoutMs: 240_000 });
    expect(up.stderr).toMatch(/started the Schema Registry \(Apicurio Registry 3\.3\.3, Confluent's API\) at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 in [\d.]+ s/);
    expect(up.code).toBe(0);
    const url = `http://127.0.0.1:${registryPort}/apis/ccompat/v7`;
    const lines = up.stdout.trim().split('\n');
    expect(lines.slice(-2)).toEqual([`KAFKA_SCHEMA_REGISTRY_URL=${url}`, `KAFKA_BROKERS=127.0.0.1:${port}`]);
    expect(JSON.parse(lines[0]!).registry).toMatchObject({ url, port: registryPort, managementPort: registryPort + 1, version: '3.3.3' });
    expect(await (await fetch(`${url}/config`)).json()).toEqual({ compatibilityLevel: 'BACKWARD' });

    const again = await run('kstack', ['up', '--port', String(port), '--registry', '--registry-port', String(registryPort)], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Schema Registry already running at ${url}`);
    expect(again.stdout.trim().split('\n')).toEqual([`KAFKA_SCHEMA_REGISTRY_URL=${url}`, `KAFKA_BROKERS=127.0.0.1:${port}`]);
  });

  it('status shows the registry, in JSON and for people; logs has it; kschemas reaches it through the printed URL', async () => {
    const st = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    expect(st.running).toBe(true);
    expect(st.registry).toMatchObject({ running: true, version: '3.3.3', url: expect.stringContaining('/apis/ccompat/v7') });
    expect(isOurs(st.registry.pid, `-Dkstack.registry.dir=${join(runDir, 'registry')}`)).toBe(true);
    const human = await run('kstack', ['status'], { env });
    expect(human.stdout).toMatch(new RegExp(`registry +port ${st.registry.port} \\(management ${st.registry.managementPort}\\) +pid ${st.registry.pid} +up  ${st.registry.url.replace(/[./]/g, '\\$&')}`));
    const logs = await run('kstack', ['logs', 'registry', '-n', '200'], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/apicurio-registry-app .* started in/);
    const list = await run('kschemas', ['list', '--json', '--registry', st.registry.url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('');
  });

  it('down stops the registry with the broker', async () => {
    const st = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    const down = await run('kstack', ['down', '--json'], { env });
    expect(down.code).toBe(0);
    const stopped = JSON.parse(down.stdout).stopped as Array<{ role: string; outcome: string }>;
    expect(stopped.map((p) => [p.role, p.outcome])).toEqual([
      ['registry', 'stopped'],
      ['broker', 'stopped'],
    ]);
    expect(isOurs(st.registry.pid, `-Dkstack.registry.dir=${join(runDir, 'registry')}`)).toBe(false);
    const after = JSON.parse((await run('kstack', ['status', '--json'], { env })).stdout);
    expect(after.registry).toBeUndefined();
  });
});
