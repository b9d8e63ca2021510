// What a stack's state file records about its Connect worker, and when `up` asks for the same one.
import type { ConnectOptions } from './worker.js';

export interface ConnectState {
  url: string;
  port: number;
  /** The --plugin coordinates, as given. */
  plugins: string[];
  /** The worker's plugin.path entries (the FileStream connectors' first). */
  pluginPath: string[];
  groupId: string;
}

export function sameConnect(state: ConnectState | undefined, o: ConnectOptions | undefined): boolean {
  if (!state || !o) return !state && !o;
  return state.port === o.port && [...state.plugins].sort().join() === [...o.plugins].sort().join();
}
