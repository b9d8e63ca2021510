// Global setup: uses KAFKA_BROKERS if set, else starts a private single broker on free ports and stops it at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProvider } from '../../lib/stack/index.js';
import { stackPaths } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { portSpan } from '../../lib/stack/plan.js';
import { DEFAULT_HOST, findKafkaVersion } from '../../lib/stack/versions.js';

// Both broker projects name this file; the first setup starts the broker, the last teardown stops it.
const shared = globalThis as typeof globalThis & { __kstackTest?: { users: number; stop: () => Promise<void> } };

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS && !shared.__kstackTest) return async () => {};
  if (!shared.__kstackTest) {
    const runDir = process.env.KSTACK_TEST_RUN_DIR ?? mkdtempSync(join(tmpdir(), 'kstack-test-'));
    const paths = stackPaths(process.env, { runDir });
    const kafka = findKafkaVersion('3.9');
    if (!kafka) throw new Error('Kafka 3.9 is not in the version table');
    const basePort = await findFreeBlock(portSpan(1, 'kraft'), DEFAULT_HOST);
    const { state } = await localProvider.up({ brokers: 1, mode: 'kraft', kafka, host: DEFAULT_HOST, basePort, heap: '512m', timeoutMs: 120_000, paths });
    process.env.KAFKA_BROKERS = state.bootstrap; // workers start after global setup and inherit it
    shared.__kstackTest = {
      users: 0,
      stop: async () => {
        await localProvider.down({ paths, timeoutMs: 20_000, keep: false });
        if (!process.env.KSTACK_TEST_RUN_DIR) rmSync(runDir, { recursive: true, force: true });
      },
    };
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
