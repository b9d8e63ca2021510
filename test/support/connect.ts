// A private stack with a Kafka Connect worker for one test file: its own run dir and free ports, stopped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProvider, type UpResult } from '../../lib/stack/index.js';
import { stackPaths, type StackPaths } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { portSpan } from '../../lib/stack/plan.js';
import { DEFAULT_HOST, findKafkaVersion } from '../../lib/stack/versions.js';
import type { BinResult } from './bins.js';
import { run } from './bins.js';

export interface ConnectStack extends UpResult {
  paths: StackPaths;
  bootstrap: string;
  url: string;
  /** kconnect against this worker. */
  kconnect(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<BinResult>;
  stop(): Promise<void>;
}

export async function connectStack(o: { brokers?: number; secure?: boolean; kafka?: string; plugins?: string[] } = {}): Promise<ConnectStack> {
  const brokers = o.brokers ?? 1;
  const secure = o.secure === true;
  const paths = stackPaths(process.env, { runDir: mkdtempSync(join(tmpdir(), 'kstack-connect-')) });
  const basePort = await findFreeBlock(portSpan(brokers, 'kraft', secure) + 1, DEFAULT_HOST);
  const port = basePort + portSpan(brokers, 'kraft', secure);
  const kafka = findKafkaVersion(o.kafka ?? '3.9')!;
  let result: UpResult;
  try {
    // Resolving a plugin from an empty ~/.m2 is not part of the start: a generous timeout covers both.
    result = await localProvider.up({ brokers, mode: 'kraft', kafka, host: DEFAULT_HOST, basePort, heap: '384m', ...(secure ? { secure } : {}), connect: { port, plugins: o.plugins ?? [] }, timeoutMs: 180_000, paths });
  } catch (e) {
    rmSync(paths.runDir, { recursive: true, force: true });
    throw e;
  }
  const url = result.state.connect!.url;
  return {
    ...result,
    paths,
    bootstrap: result.state.bootstrap,
    url,
    kconnect: (args, opts = {}) => run('kconnect', args, { env: { KAFKA_CONNECT_URL: url }, ...opts }),
    async stop() {
      await localProvider.down({ paths, timeoutMs: 20_000, keep: false });
      rmSync(paths.runDir, { recursive: true, force: true });
    },
  };
}

/** Polls kconnect status --json until check accepts it. */
export async function statusUntil(stack: ConnectStack, name: string, check: (s: { connector: { state: string }; tasks: Array<{ id: number; state: string; trace?: string }> }) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await stack.kconnect(['status', name, '--json']);
    last = r.stdout + r.stderr;
    if (r.code === 0) {
      const s = JSON.parse(r.stdout);
      if (check(s)) return s;
    }
    if (Date.now() > deadline) throw new Error(`status of ${name} never matched; last: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
