// Typed calls of the Connect REST API that kconnect uses; 404s of a named connector become "unknown connector".
import { EXIT, KtoolError } from '../errors.js';
import { ConnectHttpError, type ConnectClient } from './client.js';

export type ConnectorType = 'source' | 'sink' | 'unknown';
export type State = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'UNASSIGNED' | 'RESTARTING';

export interface TaskStatus {
  id: number;
  state: State;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStatus {
  name: string;
  connector: { state: State; worker_id: string; trace?: string };
  tasks: TaskStatus[];
  type: ConnectorType;
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: Array<{ connector: string; task: number }>;
  type: ConnectorType;
}

export interface Plugin {
  class: string;
  type: string;
  version?: string;
}

export interface ConfigValidation {
  name: string;
  error_count: number;
  /** `value` is null for some plugins' internal settings (Debezium's). */
  configs: Array<{ definition: { name: string; required?: boolean }; value: { name: string; value: string | null; errors: string[] } | null }>;
}

const enc = encodeURIComponent;

export function unknownConnector(name: string): KtoolError {
  return new KtoolError('UNKNOWN_CONNECTOR', `no connector named "${name}" on this worker`, { exitCode: EXIT.failed, hint: '`kconnect list` shows the connectors there are' });
}

/** Runs a call about one connector, turning its 404 into unknownConnector. */
async function about<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ConnectHttpError && e.status === 404) throw unknownConnector(name);
    throw e;
  }
}

export const listNames = (c: ConnectClient) => c.get<string[]>('/connectors');

/** Every connector with its status and info in one request (KIP-465). */
export const listExpanded = (c: ConnectClient) => c.get<Record<string, { status: ConnectorStatus; info: ConnectorInfo }>>('/connectors?expand=status&expand=info');

export const plugins = (c: ConnectClient) => c.get<Plugin[]>('/connector-plugins');
/**
 * A connector's status. The worker writes it to its status topic a moment after the connector is created, and answers
 * 404 until then, as for an unknown name: a connector that exists is asked again (every 200 ms, for up to 10 s or the
 * timeout), never reported as unknown.
 */
export async function status(c: ConnectClient, name: string): Promise<ConnectorStatus> {
  const until = Date.now() + Math.min(10_000, c.target.timeoutMs);
  for (;;) {
    try {
      return await c.get<ConnectorStatus>(`/connectors/${enc(name)}/status`);
    } catch (e) {
      if (!(e instanceof ConnectHttpError && e.status === 404)) throw e;
      if (!(await exists(c, name))) throw unknownConnector(name);
      if (Date.now() >= until) {
        throw new KtoolError('NO_STATUS_YET', `connector "${name}" exists, but the worker has no status for it yet`, { exitCode: EXIT.failed, hint: 'a new connector\'s status appears within seconds of its creation; ask again' });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
export const info = (c: ConnectClient, name: string) => about(name, () => c.get<ConnectorInfo>(`/connectors/${enc(name)}`));
export const config = (c: ConnectClient, name: string) => about(name, () => c.get<Record<string, string>>(`/connectors/${enc(name)}/config`));
/** Topics a connector has used since it was created or its topics reset (KIP-558). */
export const topicsOf = async (c: ConnectClient, name: string) => (await c.get<Record<string, { topics: string[] }>>(`/connectors/${enc(name)}/topics`))[name]?.topics ?? [];
/** The same for a name given by the user: the worker answers an empty list for any name, so its existence is checked first. */
export async function topics(c: ConnectClient, name: string): Promise<string[]> {
  if (!(await exists(c, name))) throw unknownConnector(name);
  return topicsOf(c, name);
}

export async function exists(c: ConnectClient, name: string): Promise<boolean> {
  try {
    await c.get(`/connectors/${enc(name)}`);
    return true;
  } catch (e) {
    if (e instanceof ConnectHttpError && e.status === 404) return false;
    throw e;
  }
}

export const create = (c: ConnectClient, name: string, cfg: Record<string, string>) => c.post<ConnectorInfo>('/connectors', { name, config: cfg });
/** PUT config: creates or replaces, so a script can run it again. */
export const putConfig = (c: ConnectClient, name: string, cfg: Record<string, string>) => c.put<ConnectorInfo>(`/connectors/${enc(name)}/config`, cfg);
export const validate = (c: ConnectClient, cls: string, cfg: Record<string, string>) => c.put<ConfigValidation>(`/connector-plugins/${enc(cls)}/config/validate`, cfg);
export const pause = (c: ConnectClient, name: string) => about(name, () => c.put<void>(`/connectors/${enc(name)}/pause`));
export const resume = (c: ConnectClient, name: string) => about(name, () => c.put<void>(`/connectors/${enc(name)}/resume`));
export const remove = (c: ConnectClient, name: string) => about(name, () => c.delete<void>(`/connectors/${enc(name)}`));
/** KIP-745: with includeTasks/onlyFailed the worker answers 202 with the status it is moving to. */
export const restart = (c: ConnectClient, name: string, o: { tasks: boolean; failedOnly: boolean }) =>
  about(name, () => c.post<ConnectorStatus | undefined>(`/connectors/${enc(name)}/restart?includeTasks=${o.tasks}&onlyFailed=${o.failedOnly}`));
export const restartTask = (c: ConnectClient, name: string, task: number) => about(name, () => c.post<void>(`/connectors/${enc(name)}/tasks/${task}/restart`));
