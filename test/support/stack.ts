// Starts a private stack for one test file: its own run dir and free ports, always stopped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProvider, type UpResult } from '../../lib/stack/index.js';
import { stackPaths, type StackPaths } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { parseBrokerOverrides } from '../../lib/stack/overrides.js';
import { portSpan, type StackMode } from '../../lib/stack/plan.js';
import { isOurs } from '../../lib/stack/process.js';
import { readState } from '../../lib/stack/state.js';
import { DEFAULT_HOST, findKafkaVersion } from '../../lib/stack/versions.js';

export interface PrivateStack extends UpResult {
  paths: StackPaths;
  basePort: number;
  stop(keep?: boolean): Promise<void>;
}

/** `config` takes `name=value` entries as `kstack up --config` does; `secure` adds SASL and TLS listeners as `kstack up --secure`. */
export async function privateStack(shape: { brokers?: number; mode?: StackMode; kafka?: string; paths?: StackPaths; basePort?: number; config?: string[]; secure?: boolean } = {}): Promise<PrivateStack> {
  const brokers = shape.brokers ?? 1;
  const mode = shape.mode ?? 'kraft';
  const kafka = findKafkaVersion(shape.kafka ?? '3.9');
  if (!kafka) throw new Error(`unknown Kafka ${shape.kafka}`);
  const paths = shape.paths ?? stackPaths(process.env, { runDir: mkdtempSync(join(tmpdir(), 'kstack-it-')) });
  const config = parseBrokerOverrides(shape.config ?? []);
  const secure = shape.secure === true;
  const basePort = shape.basePort ?? (await findFreeBlock(portSpan(brokers, mode, secure), DEFAULT_HOST));
  let result: UpResult;
  try {
    result = await localProvider.up({ brokers, mode, kafka, host: DEFAULT_HOST, basePort, heap: '384m', config, ...(secure ? { secure } : {}), timeoutMs: 120_000, paths });
  } catch (e) {
    if (!shape.paths) rmSync(paths.runDir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...result,
    paths,
    basePort,
    async stop(keep = false) {
      await localProvider.down({ paths, timeoutMs: 20_000, keep });
      if (!keep) rmSync(paths.runDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stops one broker of a private stack as a crash (SIGKILL, the default) or a clean shutdown (SIGTERM),
 * and resolves once the process is gone. The stack's state still lists it, so `stop()` cleans up as usual.
 */
export async function killBroker(stack: PrivateStack, id: number, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  const proc = readState(stack.paths.runDir)?.processes.find((p) => p.role === 'broker' && p.id === id);
  if (!proc || !isOurs(proc.pid, proc.marker)) throw new Error(`broker ${id} is not running in ${stack.paths.runDir}`);
  process.kill(proc.pid, signal);
  const deadline = Date.now() + 30_000;
  while (isOurs(proc.pid, proc.marker)) {
    if (Date.now() > deadline) throw new Error(`broker ${id} (pid ${proc.pid}) still runs 30 s after ${signal}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
