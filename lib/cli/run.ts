// The CLI edge: runs a command's action, maps every error to one line plus a hint, and is the only place that exits.
import { Command, CommanderError } from 'commander';
import { EXIT, KtoolError, toKtoolError } from '../errors.js';
import { err, processIo, type Io } from '../io.js';
import { interruptedExitCode } from './signals.js';
import { paint } from './style.js';

/** Prints a KtoolError as `error: message` and `hint: ...` on stderr; the stack only with --debug. */
export function reportError(io: Io, error: unknown, debug: boolean): number {
  const e = toKtoolError(error);
  const c = paint(io);
  // Ctrl-C is the user's choice, not a failure: a plain note, same exit code.
  if (e.exitCode === EXIT.interrupted) return err(io, c.dim(e.message)), e.exitCode;
  err(io, `${c.red('error:')} ${e.message}`);
  if (e.hint) err(io, `${c.dim('hint:')} ${e.hint}`);
  if (debug) {
    err(io, String(e.stack));
    if (e.cause instanceof Error && e.cause.stack) err(io, `caused by: ${e.cause.stack}`);
  }
  return e.exitCode;
}

/**
 * Parses argv with the given program and exits with the action's code.
 * Commander's own usage errors exit 2, like ours.
 */
export interface MainOptions {
  /**
   * What a closed stdout (`| head -1`) means. `exit` (the default): stop quietly with 0. `stop` (kconsume): the command
   * watches stdout itself and finishes cleanly (leaves its group, deletes a throwaway one); exit 0 unless that fails.
   * `ignore` (kproduce): the reports have no reader, but the input still has to be sent; carry on without them, so
   * that exit 0 still means every message was acknowledged.
   */
  closedStdout?: 'exit' | 'stop' | 'ignore';
}

export async function main(program: Command, argv: string[] = process.argv, options: MainOptions = {}): Promise<never> {
  const io = processIo();
  // Commander copies these settings to subcommands only when they are created, so apply them to the whole tree.
  const configure = (cmd: Command): void => {
    cmd.exitOverride();
    // Commander's usage errors are one `error:` line; the second line says where the flags are, as our own errors' hints do.
    cmd.showHelpAfterError(`hint: \`${commandPath(cmd)} --help\` lists the flags, with examples`);
    cmd.configureOutput({ writeErr: (s) => io.stderr.write(s), writeOut: (s) => io.stdout.write(s) });
    cmd.commands.forEach(configure);
  };
  configure(program);
  // `kconsume | head -1`: once the reader has gone, stop quietly; what was not committed is re-delivered later.
  let stdoutClosed = false;
  io.stdout.on('error', (e: NodeJS.ErrnoException) => {
    const closed = e.code === 'EPIPE' || (stdoutClosed && e.code === 'ERR_STREAM_DESTROYED');
    if (closed && (options.closedStdout === 'ignore' || options.closedStdout === 'stop')) return void (stdoutClosed = true);
    process.exit(closed ? EXIT.ok : reportError(io, e, argv.includes('--debug')));
  });
  let code: number = EXIT.ok;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      code = reportError(io, error, argv.includes('--debug'));
    }
  }
  // Let pending writes to a pipe drain before exiting.
  await new Promise<void>((resolve) => io.stdout.write('', () => resolve()));
  // An interrupted run exits 130 after SIGINT, 143 after SIGTERM (lib/cli/signals.ts).
  process.exit(code === EXIT.interrupted ? interruptedExitCode() : code);
}

/** `kstack up` for the subcommand up of kstack. */
function commandPath(cmd: Command): string {
  return cmd.parent ? `${commandPath(cmd.parent)} ${cmd.name()}` : cmd.name();
}

/** Throws a KtoolError for an interrupted run; the edge turns it into exit 130. */
export function interrupted(what: string): KtoolError {
  return new KtoolError('INTERRUPTED', `${what}: interrupted`, { exitCode: EXIT.interrupted });
}
