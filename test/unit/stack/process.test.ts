import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import {
  isOurs,
  javaBin,
  requireProgram,
  runToEnd,
  spawnDetached,
  stopProcess,
  tail,
  waitForLogLine,
} from '../../../lib/stack/process.js';

const NODE = process.execPath;
/** Above the largest pid_max Linux allows (2^22), so never a running process. */
const NO_SUCH_PID = 4_194_305;

interface Child {
  proc: ChildProcess;
  pid: number;
  marker: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: Child[] = [];
const detachedPids: { pid: number; marker: string }[] = [];
const timers: NodeJS.Timeout[] = [];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kstack-process-test-'));
});

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const { pid, marker } of detachedPids.splice(0)) if (isOurs(pid, marker)) process.kill(pid, 'SIGKILL');
  await Promise.all(
    children.splice(0).map(async (c) => {
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await c.exited;
    }),
  );
  rmSync(dir, { recursive: true, force: true });
});

const newMarker = () => `marker-xyz-${randomUUID()}`;

/** Starts `node -e script marker` and waits until it has printed "ready" and carries its marker. */
async function startChild(script: string): Promise<Child> {
  const marker = newMarker();
  const proc = spawn(NODE, ['-e', `${script}; console.log('ready')`, marker], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  if (proc.pid === undefined) throw new Error('could not start a child node');
  const child: Child = { proc, pid: proc.pid, marker, exited };
  children.push(child);
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  await vi.waitFor(
    () => {
      expect(out).toContain('ready');
      expect(isOurs(child.pid, marker)).toBe(true);
    },
    { timeout: 5_000, interval: 20 },
  );
  return child;
}

/** The pid of a child that has already exited. */
async function exitedPid(): Promise<number> {
  const proc = spawn(NODE, ['-e', '0'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  if (proc.pid === undefined) throw new Error('could not start a child node');
  await exited;
  return proc.pid;
}

async function rejection(promise: Promise<unknown>): Promise<KtoolError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KtoolError);
  return error as KtoolError;
}

describe('isOurs', () => {
  it('is true for this process with a marker from its command line', () => {
    const marker = process.argv[1];
    expect(marker).toBeTypeOf('string');
    expect(isOurs(process.pid, marker!)).toBe(true);
  });

  it.each([
    { what: 'this process with a marker not in its command line', pid: async () => process.pid, marker: newMarker() },
    { what: 'a PID that cannot exist', pid: async () => NO_SUCH_PID, marker: '' },
    { what: 'the PID of a child that has exited', pid: exitedPid, marker: '' },
  ])('is false for $what', async ({ pid, marker }) => {
    expect(isOurs(await pid(), marker)).toBe(false);
  });

  it('is true for a running child with its marker, false with another', async () => {
    const child = await startChild('setInterval(() => {}, 1000)');
    expect(isOurs(child.pid, child.marker)).toBe(true);
    expect(isOurs(child.pid, newMarker())).toBe(false);
  });
});

describe('stopProcess', () => {
  it('stops a process that honours SIGTERM', async () => {
    const child = await startChild('setInterval(() => {}, 1000)');
    expect(await stopProcess(child.pid, child.marker, 5_000)).toBe('stopped');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('kills a process that ignores SIGTERM once the timeout has passed', async () => {
    const child = await startChild("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    const started = Date.now();
    expect(await stopProcess(child.pid, child.marker, 300)).toBe('killed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('leaves alone a process whose command line lacks the marker', async () => {
    const child = await startChild('setInterval(() => {}, 1000)');
    expect(await stopProcess(child.pid, newMarker(), 300)).toBe('not-running');
    expect(isOurs(child.pid, child.marker)).toBe(true);
    expect(child.proc.exitCode).toBeNull();
    expect(child.proc.signalCode).toBeNull();
  });

  it.each([
    { what: 'a PID that cannot exist', pid: async () => NO_SUCH_PID },
    { what: 'a child that has exited', pid: exitedPid },
  ])('reports not-running for $what', async ({ pid }) => {
    expect(await stopProcess(await pid(), 'anything', 300)).toBe('not-running');
  });
});

describe('runToEnd', () => {
  it.each([
    { what: 'stdout', script: "console.log('hello out')", expected: ['hello out'] },
    { what: 'stdout and stderr', script: "console.log('to out'); console.error('to err')", expected: ['to out', 'to err'] },
    { what: 'nothing', script: '0', expected: [] },
  ])('resolves with the output ($what) of a program that exits 0', async ({ script, expected }) => {
    const output = await runToEnd(NODE, ['-e', script], { timeoutMs: 10_000, what: 'test run' });
    for (const text of expected) expect(output).toContain(text);
    if (expected.length === 0) expect(output).toBe('');
  });

  it('runs in the given directory', async () => {
    const output = await runToEnd(NODE, ['-e', 'console.log(process.cwd())'], { cwd: dir, timeoutMs: 10_000, what: 'pwd' });
    expect(output.trim()).toBe(realpathSync(dir));
  });

  it('rejects on a non-zero exit with the exit code and the last 15 lines of output', async () => {
    const script = "for (let i = 0; i < 30; i++) console.log('line' + i); process.exit(3)";
    const error = await rejection(runToEnd(NODE, ['-e', script], { timeoutMs: 10_000, what: 'formatting storage' }));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.exitCode).toBe(1);
    const [first, ...rest] = error.message.split('\n');
    expect(first).toBe('formatting storage exited with code 3:');
    expect(rest).toEqual(Array.from({ length: 15 }, (_, i) => `line${15 + i}`));
  });

  it('kills a program that runs past the timeout and rejects with its output', async () => {
    const script = "console.log('still going'); setInterval(() => {}, 1000)";
    const error = await rejection(runToEnd(NODE, ['-e', script], { timeoutMs: 500, what: 'slow tool' }));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain('slow tool was stopped after 500 ms');
    expect(error.message).toContain('still going');
  });

  it('rejects with SPAWN_FAILED (exit 4) when the program does not exist', async () => {
    const error = await rejection(runToEnd('kstack-no-such-program-xyz', [], { timeoutMs: 10_000, what: 'missing' }));
    expect(error.code).toBe('SPAWN_FAILED');
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('kstack-no-such-program-xyz');
  });
});

describe('waitForLogLine', () => {
  const self = () => ({ pid: process.pid, marker: process.argv[1]!, name: 'this test' });

  /** Appends one chunk every 30 ms; `count()` says how many have been written. */
  function appendLater(file: string, chunks: string[]): { count: () => number } {
    let written = 0;
    const timer = setInterval(() => {
      const chunk = chunks[written];
      if (chunk === undefined) return clearInterval(timer);
      appendFileSync(file, chunk);
      written++;
    }, 30);
    timers.push(timer);
    return { count: () => written };
  }

  it.each([
    { what: 'a whole line', chunks: ['starting\n', 'loading\n', '[x] Kafka Server started (y)\n'] },
    { what: 'a line written in two pieces', chunks: ['starting\n[x] Kafka Ser', 'ver started (y)\n'] },
    { what: 'a line without its newline yet', chunks: ['starting\n', 'Kafka Server started'] },
    { what: 'a line after more than 64 KiB of log', chunks: ['x'.repeat(70_000) + '\n', 'Kafka Server started\n'] },
  ])('resolves once $what appears in the file', async ({ chunks }) => {
    const file = join(dir, 'out.log');
    writeFileSync(file, '');
    const writer = appendLater(file, chunks);
    await waitForLogLine(file, /Kafka Server started/, self(), Date.now() + 5_000);
    expect(writer.count()).toBe(chunks.length);
  });

  it('resolves at once when the line is already in the file', async () => {
    const file = join(dir, 'out.log');
    writeFileSync(file, 'a\nKafka Server started\nb\n');
    await expect(waitForLogLine(file, /Kafka Server started/, self(), Date.now() + 5_000)).resolves.toBeUndefined();
  });

  it('rejects with START_FAILED as soon as the process is gone, quoting the log', async () => {
    const file = join(dir, 'out.log');
    writeFileSync(file, '');
    const marker = newMarker();
    const script = "console.log('ERROR bad config: log.dirs'); process.exitCode = 1";
    const pid = spawnDetached(NODE, ['-e', script, marker], file, dir);
    detachedPids.push({ pid, marker });
    const started = Date.now();
    const error = await rejection(waitForLogLine(file, /Kafka Server started/, { pid, marker, name: 'broker 1' }, Date.now() + 30_000));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('START_FAILED');
    expect(error.message).toContain('broker 1 exited before it was ready');
    expect(error.message).toContain('ERROR bad config: log.dirs');
  });

  it('rejects with START_FAILED for a PID that is not running', async () => {
    const file = join(dir, 'out.log');
    writeFileSync(file, 'last words\n');
    const error = await rejection(
      waitForLogLine(file, /Kafka Server started/, { pid: NO_SUCH_PID, marker: 'm', name: 'ZooKeeper' }, Date.now() + 30_000),
    );
    expect(error.code).toBe('START_FAILED');
    expect(error.message).toContain('last words');
  });

  it('rejects with START_TIMEOUT (exit 3, hint about --timeout) past the deadline', async () => {
    const file = join(dir, 'out.log');
    writeFileSync(file, 'still starting\n');
    const deadline = Date.now() + 300;
    const error = await rejection(waitForLogLine(file, /Kafka Server started/, self(), deadline));
    expect(Date.now()).toBeGreaterThan(deadline);
    expect(error.code).toBe('START_TIMEOUT');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toMatch(/--timeout/);
    expect(error.message).toContain('this test was not ready in time');
    expect(error.message).toContain('still starting');
  });
});

describe('requireProgram', () => {
  it.each([
    { what: 'a program that does not exist', bin: 'kstack-no-such-program-xyz', args: ['-version'] },
    { what: 'a program that exits non-zero', bin: NODE, args: ['-e', 'process.exit(1)'] },
  ])('throws MISSING_PROGRAM with exit code 4 for $what', ({ bin, args }) => {
    let error: unknown;
    try {
      requireProgram(bin, args, 'Java 17+', 'install a JDK or set JAVA_HOME');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KtoolError);
    expect(error).toMatchObject({ code: 'MISSING_PROGRAM', exitCode: 4, hint: 'install a JDK or set JAVA_HOME' });
    expect((error as KtoolError).message).toContain(`Java 17+ was not found (tried \`${bin} ${args.join(' ')}\`)`);
  });

  it('returns quietly for a program that runs', () => {
    expect(() => requireProgram(NODE, ['--version'], 'Node', 'install Node')).not.toThrow();
  });
});

describe('javaBin', () => {
  it.each([
    { env: { JAVA_HOME: '/opt/jdk-17' }, bin: '/opt/jdk-17/bin/java' },
    { env: { JAVA_HOME: '' }, bin: 'java' },
    { env: {}, bin: 'java' },
  ])('is $bin with env $env', ({ env, bin }) => {
    expect(javaBin(env)).toBe(bin);
  });
});

describe('tail', () => {
  it.each([
    { text: 'a\nb\nc\n', lines: 2, out: 'b\nc' },
    { text: 'a\nb\nc', lines: 5, out: 'a\nb\nc' },
    { text: 'a\nb\n\n\n', lines: 1, out: 'b' },
    { text: '', lines: 3, out: '' },
  ])('keeps the last $lines line(s) of $text', ({ text, lines, out }) => {
    expect(tail(text, lines)).toBe(out);
  });
});
