// Connect answers -> kconnect's JSON lines (a documented contract) and aligned human tables.
import type { ChalkInstance } from 'chalk';
import { table } from '../cli/table.js';
import type { ConnectorInfo, ConnectorStatus, Plugin, State, TaskStatus } from './api.js';

export interface ConnectorSummary {
  name: string;
  type: string;
  class: string;
  state: State;
  tasks: { running: number; total: number };
  topics: string[];
}

export function summarize(status: ConnectorStatus, info: ConnectorInfo, topics: string[]): ConnectorSummary {
  return {
    name: status.name,
    type: status.type ?? info.type,
    class: info.config['connector.class'] ?? '',
    state: status.connector.state,
    tasks: { running: status.tasks.filter((t) => t.state === 'RUNNING').length, total: status.tasks.length },
    topics,
  };
}

export function paintState(c: ChalkInstance, s: string): string {
  return s === 'RUNNING' ? c.green(s) : s === 'FAILED' ? c.red(s) : s === 'PAUSED' || s === 'STOPPED' ? c.yellow(s) : s;
}

export function listLines(rows: ConnectorSummary[], c: ChalkInstance): string[] {
  if (rows.length === 0) return [];
  return table([
    ['NAME', 'TYPE', 'STATE', 'TASKS', 'TOPICS'],
    ...rows.map((r) => [r.name, r.type, paintState(c, r.state), `${r.tasks.running}/${r.tasks.total}`, r.topics.join(',') || '-']),
  ]);
}

export function pluginLines(rows: Plugin[]): string[] {
  return table([['CLASS', 'TYPE', 'VERSION'], ...rows.map((p) => [p.class, p.type, p.version ?? '-'])]);
}

/** The first line of a Java stack trace: the exception and its message. */
export const firstLine = (trace: string) => trace.split('\n')[0]!.trim();

export interface StatusJson {
  name: string;
  type: string;
  connector: { state: State; workerId: string; trace?: string };
  tasks: Array<{ id: number; state: State; workerId: string; trace?: string }>;
}

export function statusJson(s: ConnectorStatus): StatusJson {
  const task = (t: TaskStatus) => ({ id: t.id, state: t.state, workerId: t.worker_id, ...(t.trace ? { trace: t.trace } : {}) });
  return { name: s.name, type: s.type, connector: { state: s.connector.state, workerId: s.connector.worker_id, ...(s.connector.trace ? { trace: s.connector.trace } : {}) }, tasks: s.tasks.map(task) };
}

/** A header line for the connector, one per task; a FAILED one's trace: its first line, or all of it with verbose. */
export function statusLines(s: ConnectorStatus, c: ChalkInstance, verbose: boolean): string[] {
  const trace = (t?: string) => (t ? (verbose ? ['', ...t.trimEnd().split('\n')] : [`  ${c.red(firstLine(t))}`]) : []);
  const rows = [
    ['connector', s.name, paintState(c, s.connector.state), `worker ${s.connector.worker_id}`, s.type],
    ...s.tasks.map((t) => [`task ${t.id}`, '', paintState(c, t.state), `worker ${t.worker_id}`, '']),
  ];
  const lines = table(rows);
  const out: string[] = [lines[0]!, ...trace(s.connector.trace)];
  s.tasks.forEach((t, i) => out.push(lines[i + 1]!, ...trace(t.trace)));
  if (s.tasks.length === 0) out.push(c.dim('no tasks yet'));
  return out;
}
