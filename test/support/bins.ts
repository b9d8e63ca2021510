// Runs the built bins (dist/cmd) as a user would, capturing exit code, stdout and stderr separately.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../lib/stack/paths.js';

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function bin(name: 'kproduce' | 'kconsume' | 'kstack'): string {
  return join(packageRoot(), 'dist', 'cmd', `${name}.js`);
}

/** Spawns a bin with args; a deadline kills it so a hang fails the test instead of stalling it. */
export function run(name: 'kproduce' | 'kconsume' | 'kstack', args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<BinResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin(name), ...args], {
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
