// What `kstack up` does with the stack its run directory records: nothing, bring back the processes that are gone, or refuse. Pure.
import { EXIT, KtoolError } from '../errors.js';
import { processCondition, processName, ROLE_ORDER, shapeDifferences, type ProcessState, type ShapeRequest, type StackState } from './state.js';

export interface UpRequest {
  /** The shape flags given on the command line; the others mean "as recorded". */
  shape: ShapeRequest;
  /** `--fresh`: remove the recorded stack and its data, then start a new one. */
  fresh: boolean;
}

/** A process `up` brings back, and why it was not running. */
export interface Restart {
  process: ProcessState;
  was: 'stopped' | 'down' | 'kept';
}

export type UpDecision =
  | { action: 'start'; removeFirst?: StackState }
  | { action: 'none' }
  | { action: 'restart'; restart: Restart[] }
  | { action: 'refuse'; error: KtoolError };

/**
 * The decision table. Nothing recorded, or `--fresh`: start (removing what is recorded). A recorded stack the flags
 * ask for (no flags ask for any): every process runs, nothing to do; else bring back exactly the ones that do not run,
 * on their data, in ROLE_ORDER. Flags that ask for another shape are refused: data goes only with `down` or `--fresh`.
 */
export function decideUp(state: StackState | undefined, alive: (p: ProcessState) => boolean, request: UpRequest, describe: (s: StackState) => string = (s) => s.bootstrap): UpDecision {
  if (!state) return { action: 'start' };
  if (request.fresh) return { action: 'start', removeFirst: state };
  const differences = shapeDifferences(state, request.shape);
  const gone = state.processes.filter((p) => !alive(p));
  if (differences.length) {
    const kept = state.status === 'kept';
    const what = kept ? 'holds the kept data of a different stack' : gone.length === 0 ? 'a different stack already runs from' : 'records a different stack, partly down, in';
    const message = kept ? `${state.runDir} ${what}` : `${what} ${state.runDir}`;
    const error = new KtoolError(kept ? 'STACK_KEPT' : 'STACK_RUNNING', `${message} (${describe(state)} at ${state.bootstrap}); asked for ${differences.join(', ')}`, {
      exitCode: EXIT.usage,
      hint: '`kstack up` without those flags acts on the recorded stack; `kstack down` (or `kstack up --fresh` with them) removes it and its data first; or give this one its own KSTACK_RUN_DIR and --port',
    });
    return { action: 'refuse', error };
  }
  if (gone.length === 0) return { action: 'none' };
  const order = (p: ProcessState) => ROLE_ORDER.indexOf(p.role);
  const restart = [...gone]
    .sort((a, b) => order(a) - order(b) || a.id - b.id)
    .map((process): Restart => ({ process, was: state.status === 'kept' ? 'kept' : (processCondition(process, false) as 'stopped' | 'down') }));
  return { action: 'restart', restart };
}

/** `restarted broker 2 (crashed), broker 3 (stopped by kstack stop)`: what `up` tells the user it brought back. */
export function describeRestarts(restarts: Restart[]): string {
  const why = (r: Restart) =>
    r.was === 'down' ? 'was down' : r.was === 'kept' ? 'kept by down --keep' : r.process.stopped?.how === 'killed' ? 'killed by kstack stop --kill' : 'stopped by kstack stop';
  return restarts.map((r) => `${processName(r.process)} (${why(r)})`).join(', ');
}
