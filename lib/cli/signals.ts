// Turns Ctrl-C (SIGINT) and SIGTERM into an AbortSignal that lib/ functions watch; a second signal exits at once.
import { EXIT } from '../errors.js';

/** 128 + the signal number, as shells report a process a signal ended: 130 for SIGINT, 143 for SIGTERM. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: EXIT.interrupted, SIGTERM: 143 };

let received: 'SIGINT' | 'SIGTERM' | undefined;

/**
 * The exit code of an interrupted run: 130 after Ctrl-C (SIGINT), 143 after SIGTERM (what `kill`, systemd, Docker and
 * Kubernetes send), so a supervisor can tell them apart. Either way the work was flushed and committed first.
 */
export function interruptedExitCode(): number {
  return SIGNAL_EXIT[received ?? 'SIGINT'];
}

export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const on = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[name]);
    received = name;
    controller.abort(name);
  };
  process.on('SIGINT', on('SIGINT'));
  process.on('SIGTERM', on('SIGTERM'));
  return controller.signal;
}
