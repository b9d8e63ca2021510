// Global setup: uses KAFKA_BROKERS if set; else a private single broker on free ports when Java is there, else the Docker
// compose stack when an engine answers (the same choice as `kstack up`, preferring Java); stops what it started at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideProvider, localProvider, machineEnvironment, providers, type StackEnvironment } from '../../lib/stack/index.js';
import { stackPaths } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { portSpan } from '../../lib/stack/plan.js';
import { DOCKER_BOOTSTRAP } from '../../lib/stack/docker.js';
import { DEFAULT_HOST, findKafkaVersion } from '../../lib/stack/versions.js';

// Both broker projects name this file; the first setup starts the broker, the last teardown stops it.
const shared = globalThis as typeof globalThis & { __kstackTest?: { users: number; stop: () => Promise<void> } };

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS && !shared.__kstackTest) return async () => {};
  if (!shared.__kstackTest) {
    const machine = machineEnvironment(process.env);
    const { name, note } = await decideProvider('auto', machine, 'local');
    if (note) process.stderr.write(`global setup: ${note}\n`);
    shared.__kstackTest = { users: 0, stop: name === 'local' ? await startLocal() : await startDocker(machine) };
  }
  const stack = shared.__kstackTest;
  stack.users += 1;
  return async () => {
    stack.users -= 1;
    if (stack.users === 0) {
      shared.__kstackTest = undefined;
      await stack.stop();
    }
  };
}

/** A private broker in its own run directory, on free ports, so tests never touch a developer's Kafka. */
async function startLocal(): Promise<() => Promise<void>> {
  const runDir = process.env.KSTACK_TEST_RUN_DIR ?? mkdtempSync(join(tmpdir(), 'kstack-test-'));
  const paths = stackPaths(process.env, { runDir });
  const kafka = findKafkaVersion('3.9');
  if (!kafka) throw new Error('Kafka 3.9 is not in the version table');
  const basePort = await findFreeBlock(portSpan(1, 'kraft'), DEFAULT_HOST);
  const { state } = await localProvider.up({ brokers: 1, mode: 'kraft', kafka, host: DEFAULT_HOST, basePort, heap: '512m', timeoutMs: 120_000, paths });
  process.env.KAFKA_BROKERS = state.bootstrap; // workers start after global setup and inherit it
  return async () => {
    await localProvider.down({ paths, timeoutMs: 20_000, keep: false });
    if (!process.env.KSTACK_TEST_RUN_DIR) rmSync(runDir, { recursive: true, force: true });
  };
}

/**
 * The compose stack has fixed ports (localhost:9092), so there is only one. One that already runs is used and left
 * running; stopped containers (`kstack down --keep`) are started and stopped again at the end, data kept; a stack this
 * run creates is removed at the end (`down -v`), also when its start fails.
 */
async function startDocker(machine: StackEnvironment): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(join(tmpdir(), 'kstack-test-docker-'));
  const paths = stackPaths(process.env, { runDir });
  const docker = providers(machine).docker;
  const before = await docker.status({ paths });
  const keep = before.services.length > 0;
  const stop = async () => {
    await docker.down({ paths, timeoutMs: 20_000, keep });
    rmSync(runDir, { recursive: true, force: true });
  };
  if (!before.running) {
    try {
      await docker.up({ paths, timeoutMs: 300_000 });
    } catch (e) {
      // START_FAILED / START_TIMEOUT: compose ran and may have left containers; anything earlier (a taken port) did not.
      const code = (e as { code?: string }).code;
      if (code === 'START_FAILED' || code === 'START_TIMEOUT') await stop().catch(() => {});
      else rmSync(runDir, { recursive: true, force: true });
      throw e;
    }
  }
  process.env.KAFKA_BROKERS = DOCKER_BOOTSTRAP;
  if (!before.running) return stop;
  rmSync(runDir, { recursive: true, force: true });
  return async () => {};
}
