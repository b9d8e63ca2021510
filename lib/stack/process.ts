// Starting, watching and stopping the JVM processes kstack owns; identified by PID plus a marker in their command line.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { EXIT, KtoolError } from '../errors.js';

export function javaBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
}

/** Fails with a clear hint when a required program is not on PATH. */
export function requireProgram(bin: string, args: string[], what: string, hint: string): void {
  const r = spawnSync(bin, args, { stdio: 'ignore', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new KtoolError('MISSING_PROGRAM', `${what} was not found (tried \`${bin} ${args.join(' ')}\`)`, {
      exitCode: EXIT.environment,
      hint,
      cause: r.error,
    });
  }
}

/** Starts a process in its own process group, output appended to logFile, not tied to our lifetime. */
export function spawnDetached(bin: string, args: string[], logFile: string, cwd: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => {}); // reported by the readiness wait as "exited before it was ready"
    child.unref();
    if (child.pid === undefined) throw new KtoolError('SPAWN_FAILED', `could not start ${bin}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Runs a program to completion; rejects with the tail of its output when it fails or runs past timeoutMs. */
export function runToEnd(bin: string, args: string[], opts: { cwd?: string; timeoutMs: number; what: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new KtoolError('SPAWN_FAILED', `${opts.what}: could not run ${bin}: ${e.message}`, { exitCode: EXIT.environment, cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(output);
      const why = signal ? `was stopped after ${opts.timeoutMs} ms` : `exited with code ${code}`;
      reject(new KtoolError('COMMAND_FAILED', `${opts.what} ${why}:\n${tail(output, 15)}`, { exitCode: EXIT.failed }));
    });
  });
}

/** The size of a file, 0 when it is missing: where a restarted process's new lines will start. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** True if pid runs and its command line contains marker (so a reused PID is never taken for ours). */
export function isOurs(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie has an empty cmdline, which also reads as "not running".
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return process.platform !== 'linux';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Resolves with how it ended. */
export async function stopProcess(pid: number, marker: string, timeoutMs: number): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isOurs(pid, marker)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurs(pid, marker)) return 'stopped';
    await sleep(100);
  }
  if (isOurs(pid, marker)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isOurs(pid, marker); i++) await sleep(100);
  return 'killed';
}

/**
 * Polls a log file until a line matches; fails as soon as the process is gone, or at the deadline,
 * quoting the end of the log either way.
 */
export async function waitForLogLine(
  file: string,
  pattern: RegExp,
  proc: { pid: number; marker: string; name: string },
  deadline: number,
  /** Where to start reading: a restarted process appends to the log its last run already marked ready. */
  fromOffset = 0,
): Promise<void> {
  let offset = fromOffset;
  let carry = '';
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        const text = carry + buf.subarray(0, bytesRead).toString();
        if (pattern.test(text)) return;
        carry = text.slice(-500);
        continue;
      }
      if (!isOurs(proc.pid, proc.marker)) {
        throw new KtoolError('START_FAILED', `${proc.name} exited before it was ready; the end of ${file}:\n${tail(readFileSync(file, 'utf8'), 12)}`);
      }
      if (Date.now() > deadline) {
        throw new KtoolError('START_TIMEOUT', `${proc.name} was not ready in time; the end of ${file}:\n${tail(readFileSync(file, 'utf8'), 8)}`, {
          exitCode: EXIT.unreachable,
          hint: 'allow more time with --timeout MS',
        });
      }
      await sleep(100);
    }
  } finally {
    await handle.close();
  }
}
