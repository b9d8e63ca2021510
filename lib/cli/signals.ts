// Turns Ctrl-C (SIGINT) and SIGTERM into an AbortSignal that lib/ functions watch; a second Ctrl-C exits at once.
import { EXIT } from '../errors.js';

export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
