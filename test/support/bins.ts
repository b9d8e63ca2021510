// Runs the built bins (dist/cmd) as a user would, capturing exit code, stdout and stderr separately. They run on the
// Node that runs vitest (process.execPath): .ci/run starts vitest with each Node line it tests (.ci/node-lines).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../lib/stack/paths.js';

export type BinName = 'kproduce' | 'kconsume' | 'ktopics' | 'kgroups' | 'kconnect' | 'kstack' | 'kschemas' | 'quickstart';

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function bin(name: BinName): string {
  return join(packageRoot(), 'dist', 'cmd', `${name}.js`);
}

export interface Running {
  child: ChildProcessWithoutNullStreams;
  /** What the process printed so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<BinResult>;
}

/** Starts a bin and returns at once, so a test can feed stdin or signal it; a deadline kills it so a hang fails the test. */
export function start(name: BinName, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Running {
  const started = Date.now();
  const child = spawn(process.execPath, [bin(name), ...args], { env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<BinResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Spawns a bin with args and waits for it to end. */
export function run(name: BinName, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<BinResult> {
  const r = start(name, args, opts);
  r.child.stdin.on('error', () => {}); // a bin that exits before reading all of stdin
  r.child.stdin.end(opts.input);
  return r.done;
}
