// Runs one tool process and measures it: wall time from spawn to exit, and peak resident memory (VmHWM).
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface Run {
  /** Argument vector; the first element is the program. No shell. */
  argv: string[];
  /** A file fed to stdin, or nothing (stdin is /dev/null). */
  stdinFile?: string;
  /** Where stdout goes; /dev/null unless counting lines. */
  stdout: 'null' | 'count';
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export interface Measured {
  wallMs: number;
  /** Peak resident set size in MiB, from the kernel's high-water mark, sampled every 20 ms (null if never read). */
  peakRssMiB: number | null;
  exitCode: number | null;
  /** Newlines written to stdout, when counted. */
  lines?: number;
  stderrTail: string;
}

/** The process's VmHWM (peak RSS) in KiB, or null once it has gone. */
function highWaterKiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function measure(run: Run): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const stdin = run.stdinFile ? openSync(run.stdinFile, 'r') : 'ignore';
    const out = run.stdout === 'null' ? openSync('/dev/null', 'w') : 'pipe';
    const started = process.hrtime.bigint();
    const child = spawn(run.argv[0]!, run.argv.slice(1), { stdio: [stdin, out, 'pipe'], env: { ...process.env, ...run.env } });
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof out === 'number') closeSync(out);
    let peak = 0;
    const sample = () => {
      const kib = child.pid === undefined ? null : highWaterKiB(child.pid);
      if (kib !== null && kib > peak) peak = kib;
    };
    const sampler = setInterval(sample, 20);
    let lines = 0;
    child.stdout?.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs);
    child.on('error', (e) => {
      clearInterval(sampler);
      clearTimeout(timer);
      reject(e);
    });
    // Wall time ends at 'exit' (the process is gone), the result at 'close' (its pipes are read to the end).
    let wallMs = 0;
    let exitCode: number | null = null;
    child.on('exit', (code) => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      exitCode = code;
      clearInterval(sampler);
      clearTimeout(timer);
    });
    child.on('close', () =>
      resolve({ wallMs, peakRssMiB: peak > 0 ? peak / 1024 : null, exitCode, stderrTail: stderr.trim().split('\n').slice(-3).join('\n'), ...(run.stdout === 'count' ? { lines } : {}) }),
    );
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
