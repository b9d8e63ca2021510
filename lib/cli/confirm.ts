// Asks a yes/no question on a terminal before a destructive step; refuses to guess when nobody can answer.
import { createInterface } from 'node:readline';
import { usageError } from '../errors.js';
import type { Io } from '../io.js';

/**
 * True only if the user types y or yes. Without a terminal on stdin (a script, a pipe) there is nobody to ask:
 * a usage error (exit 2) that names the flag which says yes in advance.
 */
export async function confirm(io: Io, question: string, yesFlag = '--yes'): Promise<boolean> {
  if (!io.stdin.isTTY) throw usageError(`${question.replace(/\?$/, '')}: not confirmed (stdin is not a terminal)`, `pass ${yesFlag} to confirm without a prompt`);
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
