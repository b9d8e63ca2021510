import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { paint, progress } from '../../../lib/cli/style.js';
import type { Io } from '../../../lib/io.js';

function fakeIo(tty: { stdout?: boolean; stderr?: boolean; columns?: number }, env: NodeJS.ProcessEnv = {}): Io & { stderrText: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const stdout = Object.assign(new PassThrough(), { isTTY: tty.stdout ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty.stderr ?? false, columns: tty.columns ?? 80 });
  let text = '';
  stderr.on('data', (b: Buffer) => (text += b.toString()));
  return { stdin, stdout, stderr, env, stderrText: () => text };
}

describe('paint', () => {
  it.each([
    { what: 'not a TTY', tty: false, env: {}, level: 0 },
    { what: 'a TTY', tty: true, env: {}, level: 1 },
    { what: 'a TTY with NO_COLOR=1', tty: true, env: { NO_COLOR: '1' }, level: 0 },
    { what: 'a TTY with NO_COLOR set empty', tty: true, env: { NO_COLOR: '' }, level: 1 },
    { what: 'not a TTY with FORCE_COLOR=1', tty: false, env: { FORCE_COLOR: '1' }, level: 1 },
    { what: 'a TTY with FORCE_COLOR=0', tty: true, env: { FORCE_COLOR: '0' }, level: 0 },
    { what: 'not a TTY with FORCE_COLOR=0', tty: false, env: { FORCE_COLOR: '0' }, level: 0 },
    { what: 'NO_COLOR and FORCE_COLOR=1', tty: false, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, level: 1 },
  ])('colours at level $level on $what', ({ tty, env, level }) => {
    const chalk = paint(fakeIo({ stderr: tty }, env));
    expect(chalk.level).toBe(level);
    if (level === 0) expect(chalk.red('x')).toBe('x');
    else expect(chalk.red('x')).toBe('\u001b[31mx\u001b[39m');
  });

  it.each([
    { stream: 'stdout' as const, tty: { stdout: true, stderr: false }, level: 1 },
    { stream: 'stdout' as const, tty: { stdout: false, stderr: true }, level: 0 },
    { stream: 'stderr' as const, tty: { stdout: true, stderr: false }, level: 0 },
    { stream: 'stderr' as const, tty: { stdout: false, stderr: true }, level: 1 },
  ])('looks at $stream only (TTYs: $tty)', ({ stream, tty, level }) => {
    expect(paint(fakeIo(tty), stream).level).toBe(level);
  });

  it('looks at stderr by default', () => {
    expect(paint(fakeIo({ stdout: false, stderr: true })).level).toBe(1);
    expect(paint(fakeIo({ stdout: true, stderr: false })).level).toBe(0);
  });
});

describe('progress when not interactive', () => {
  it.each([
    { what: 'stderr is not a TTY', tty: false, env: {} },
    { what: 'CI is set', tty: true, env: { CI: 'true' } },
    // ora divides by the column count: a pty that reports 0 columns made it clear lines forever.
    { what: 'the terminal reports 0 columns', tty: true, env: {}, columns: 0 },
  ])('prints only the success line, plainly, when $what', ({ tty, env, columns }) => {
    const io = fakeIo({ stderr: tty, ...(columns === undefined ? {} : { columns }) }, env);
    const p = progress(io, 'starting');
    p.update('still starting');
    p.fail('failed');
    p.succeed('started');
    p.stop();
    expect(io.stderrText()).toBe('started\n');
  });
});

describe('progress on a terminal', () => {
  it('prints the success line even if it comes before ora has loaded, and no spinner afterwards', async () => {
    const io = fakeIo({ stderr: true });
    const p = progress(io, 'starting');
    p.succeed('started at once');
    await import('ora');
    await new Promise((r) => setTimeout(r, 50));
    expect(io.stderrText()).toBe('started at once\n');
  });
});
