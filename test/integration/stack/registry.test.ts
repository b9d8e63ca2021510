// lib/stack/registry against the real Apicurio Registry: starts on Java 21+, serves Confluent's API with BACKWARD, stops.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurs } from '../../../lib/stack/process.js';
import { downRegistry, readRegistryState, registryStateFile, registryStatus, upRegistry } from '../../../lib/stack/registry.js';
import { privateRegistry, runRegistryTests, type PrivateRegistry } from '../../support/registry.js';

let reg: PrivateRegistry;

describe.runIf(runRegistryTests).sequential('kstack Schema Registry (Apicurio)', () => {
  beforeAll(async () => {
    reg = await privateRegistry();
  });
  afterAll(async () => reg?.stop());

  it("serves Confluent's API on 127.0.0.1 with BACKWARD as the global compatibility", async () => {
    expect(reg.url).toBe(`http://127.0.0.1:${reg.state.port}/apis/ccompat/v7`);
    const subjects = await fetch(`${reg.url}/subjects`);
    expect(subjects.status).toBe(200);
    expect(await subjects.json()).toEqual([]);
    expect(await (await fetch(`${reg.url}/config`)).json()).toEqual({ compatibilityLevel: 'BACKWARD' });
    // The management interface is on the next port, on our host, not 0.0.0.0:9000.
    expect(reg.state.managementPort).toBe(reg.state.port + 1);
    expect((await fetch(`http://127.0.0.1:${reg.state.managementPort}/health/ready`)).status).toBe(200);
  });

  it('is idempotent: up again returns the same process', async () => {
    const again = await upRegistry({ paths: reg.paths, host: '127.0.0.1', port: reg.state.port, timeoutMs: 5_000 });
    expect(again.alreadyRunning).toBe(true);
    expect(again.state.pid).toBe(reg.state.pid);
    expect(registryStatus(reg.paths)).toMatchObject({ running: true, state: { pid: reg.state.pid } });
  });

  it('refuses another port while one runs from the same run directory', async () => {
    await expect(upRegistry({ paths: reg.paths, host: '127.0.0.1', port: reg.state.port + 10, timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'STACK_RUNNING', exitCode: 2 });
  });

  it('down stops its process and forgets it', async () => {
    const { pid, marker } = reg.state;
    const r = await downRegistry(reg.paths, 20_000);
    expect(r?.outcome).toBe('stopped');
    expect(isOurs(pid, marker)).toBe(false);
    expect(existsSync(registryStateFile(reg.paths.runDir))).toBe(false);
    expect(readRegistryState(reg.paths.runDir)).toBeUndefined();
    expect(await downRegistry(reg.paths, 1_000)).toBeUndefined();
  });
});
