// Decoration for humans: colours and spinners only on a TTY, both written to stderr-side concerns.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import type { Io } from '../io.js';

/** A chalk instance that colours only when the stream is a TTY and NO_COLOR is unset (FORCE_COLOR wins). */
export function paint(io: Io, stream: 'stdout' | 'stderr' = 'stderr'): ChalkInstance {
  const env = io.env;
  let level: 0 | 1 | 2 | 3 = io[stream].isTTY ? 1 : 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0;
  if (env.FORCE_COLOR !== undefined) level = env.FORCE_COLOR === '0' ? 0 : 1;
  return new Chalk({ level });
}

export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

/** An ora spinner on stderr when it is a TTY; otherwise silent, so pipes and CI logs stay clean. */
export function progress(io: Io, text: string): Progress {
  // A terminal that reports 0 columns (some ptys, e.g. `script` without a size) sends ora's line counting to infinity.
  const columns = (io.stderr as { columns?: number }).columns;
  if (!io.stderr.isTTY || io.env.CI || columns === 0) {
    // Not interactive: no animation, just the outcome as a plain line (failures are reported by the edge).
    return { update() {}, succeed: (t) => void io.stderr.write(`${t}\n`), fail() {}, stop() {} };
  }
  // ora (and its dependencies) load only when a spinner is shown: a one-shot command on a terminal never waits for them.
  let spinner: Ora | undefined;
  let done = false;
  let latest = text;
  void import('ora').then(({ default: ora }) => {
    if (!done) spinner = ora({ text: latest, stream: io.stderr as NodeJS.WriteStream }).start();
  });
  const end = (how: 'succeed' | 'fail' | 'stop', t?: string) => {
    done = true;
    if (spinner) spinner[how](t);
    else if (how === 'succeed') io.stderr.write(`${t}\n`);
  };
  return {
    update: (t) => void (spinner ? (spinner.text = t) : (latest = t)),
    succeed: (t) => end('succeed', t),
    fail: (t) => end('fail', t),
    stop: () => end('stop'),
  };
}
