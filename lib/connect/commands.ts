// kconnect's subcommands: each takes the options cmd/kconnect.ts parsed, calls the worker, prints data to stdout.
import { paint } from '../cli/style.js';
import { EXIT, KtoolError } from '../errors.js';
import { err, out, type Io } from '../io.js';
import * as api from './api.js';
import type { ConnectClient } from './client.js';
import { ConnectHttpError } from './client.js';
import { firstLine, listLines, pluginLines, statusJson, statusLines, summarize, type ConnectorSummary } from './format.js';
import { buildConfig, type ConfigInput } from './input.js';
import { findPlugin, unknownClass } from './plugins.js';

export interface Common {
  client: ConnectClient;
  json: boolean;
}

export async function listCommand(io: Io, o: Common): Promise<ConnectorSummary[]> {
  const all = await api.listExpanded(o.client);
  const names = Object.keys(all).sort();
  const rows = await Promise.all(names.map(async (n) => summarize(all[n]!.status, all[n]!.info, await api.topicsOf(o.client, n))));
  if (o.json) rows.forEach((r) => out(io, JSON.stringify(r)));
  else if (rows.length === 0) err(io, 'kconnect: no connectors on this worker (`kconnect create NAME --class ...` makes one)');
  else listLines(rows, paint(io, 'stdout')).forEach((l) => out(io, l));
  return rows;
}

export async function pluginsCommand(io: Io, o: Common & { all: boolean }): Promise<api.Plugin[]> {
  const list = (await o.client.get<api.Plugin[]>(`/connector-plugins${o.all ? '?connectorsOnly=false' : ''}`)).sort((a, b) => a.class.localeCompare(b.class));
  if (o.json) list.forEach((p) => out(io, JSON.stringify({ class: p.class, type: p.type, version: p.version ?? null })));
  else pluginLines(list).forEach((l) => out(io, l));
  return list;
}

export interface WriteOptions extends Common {
  name: string;
  input: ConfigInput;
  validate: boolean;
  wait?: 'running';
  waitMs: number;
}

/** Every field error of the plugin's validation (Connect's own check before it stores a config). */
async function fieldErrors(o: WriteOptions, cls: string, config: Record<string, string>): Promise<Array<{ field: string; message: string }>> {
  const v = await api.validate(o.client, cls, { ...config, name: o.name });
  return v.configs.flatMap((c) => (c.value?.errors ?? []).map((message) => ({ field: c.value!.name, message })));
}

/** --validate: every field error on stderr (as JSON lines on stdout with --json), then exit 1; nothing is written. */
async function validateFirst(io: Io, o: WriteOptions, cls: string, config: Record<string, string>): Promise<void> {
  const errors = await fieldErrors(o, cls, config);
  if (errors.length === 0) return void err(io, `kconnect: ${o.name}: the config is valid for ${cls}`);
  if (o.json) errors.forEach((e) => out(io, JSON.stringify({ name: o.name, field: e.field, error: e.message })));
  else errors.forEach((e) => err(io, `  ${e.field}: ${e.message}`));
  throw invalidConfig(o.name, errors, true);
}

function invalidConfig(name: string, errors: Array<{ field: string; message: string }>, listed = false): KtoolError {
  const first = errors[0] ?? { field: 'config', message: 'refused by the worker' };
  const count = errors.length > 1 ? `${errors.length} errors, first ` : '';
  return new KtoolError('INVALID_CONFIG', `the config of "${name}" is invalid: ${count}${first.field}: ${first.message}`, {
    exitCode: EXIT.failed,
    hint: listed || errors.length <= 1 ? "the connector's documentation lists its settings" : 'add --validate to see every field error',
  });
}

async function resolveClass(o: WriteOptions, config: Record<string, string>): Promise<string> {
  const list = await api.plugins(o.client);
  const found = findPlugin(list, config['connector.class']!);
  if (!found) throw unknownClass(list, config['connector.class']!);
  return found.class;
}

/** create: POST; refuses a name that exists (update replaces). update: PUT, which creates or replaces. */
export async function writeCommand(io: Io, o: WriteOptions, mode: 'create' | 'update'): Promise<api.ConnectorInfo> {
  const given = buildConfig(o.name, o.input);
  const cls = await resolveClass(o, given);
  // The full class name is stored, not an alias: Connect takes aliases, but some plugins (Debezium) load connector.class by name.
  const config = { ...given, 'connector.class': cls };
  if (o.validate) await validateFirst(io, o, cls, config);
  const existed = await api.exists(o.client, o.name);
  if (mode === 'create' && existed) {
    throw new KtoolError('CONNECTOR_EXISTS', `a connector named "${o.name}" already exists`, { exitCode: EXIT.failed, hint: `\`kconnect update ${o.name} ...\` replaces its config; \`kconnect delete ${o.name}\` removes it` });
  }
  let info: api.ConnectorInfo;
  try {
    info = mode === 'create' ? await api.create(o.client, o.name, config) : await api.putConfig(o.client, o.name, config);
  } catch (e) {
    // A 400 is Connect's own validation failing: ask the validate endpoint for the fields, as one line here.
    if (e instanceof ConnectHttpError && e.status === 400) throw invalidConfig(o.name, await fieldErrors(o, cls, config));
    throw e;
  }
  const action = existed ? 'updated' : 'created';
  if (o.wait) await waitRunning(o.client, o.name, o.waitMs);
  const state = o.wait ? 'RUNNING' : undefined;
  if (o.json) out(io, JSON.stringify({ name: o.name, action, type: info.type, config: info.config, ...(state ? { state } : {}) }));
  else err(io, `kconnect: ${action} ${o.name} (${cls})${state ? ', running' : ''}`);
  return info;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * --wait running: until the connector and every task run (at least one task). A FAILED connector or task ends the wait at
 * once with its error; the deadline with exit 3. Newly created tasks go through UNASSIGNED, so those are waited out.
 */
export async function waitRunning(client: ConnectClient, name: string, timeoutMs: number, restarted?: api.ConnectorStatus): Promise<api.ConnectorStatus> {
  const deadline = Date.now() + timeoutMs;
  // After a restart the worker's status may still be the one from before for a while (it reaches the status topic, and
  // comes back, asynchronously): that FAILED is old news until the status has changed, or stayed the same for 10 s.
  const staleUntil = restarted ? Date.now() + Math.min(10_000, timeoutMs / 2) : 0;
  const stateOf = (x: api.ConnectorStatus) => JSON.stringify([x.connector, ...x.tasks].map((t) => [t.state, t.trace ?? '']));
  let changed = !restarted;
  let last: api.ConnectorStatus | undefined;
  for (;;) {
    try {
      last = await api.status(client, name);
    } catch (e) {
      // Just created: the status topic may not have it yet (api.status waits for it up to 10 s; the deadline may be longer).
      if (!(e instanceof KtoolError && (e.code === 'UNKNOWN_CONNECTOR' || e.code === 'NO_STATUS_YET'))) throw e;
    }
    if (last && !changed && stateOf(last) !== stateOf(restarted!)) changed = true;
    if (last) {
      const failed = [last.connector, ...last.tasks].find((x) => x.state === 'FAILED');
      if (failed && (changed || Date.now() > staleUntil)) {
        const what = 'id' in failed ? `task ${failed.id}` : 'the connector';
        throw new KtoolError('CONNECTOR_FAILED', `${name}: ${what} FAILED: ${failed.trace ? firstLine(failed.trace) : 'no trace'}`, {
          exitCode: EXIT.failed,
          hint: `\`kconnect status ${name} --verbose\` shows the whole trace; \`kconnect restart ${name} --tasks --failed-only\` tries again`,
        });
      }
      if (last.connector.state === 'RUNNING' && last.tasks.length > 0 && last.tasks.every((t) => t.state === 'RUNNING')) return last;
    }
    if (Date.now() > deadline) {
      const states = last ? `connector ${last.connector.state}, tasks ${last.tasks.map((t) => t.state).join(',') || 'none'}` : 'no status yet';
      throw new KtoolError('WAIT_TIMEOUT', `${name} was not running after ${timeoutMs} ms (${states})`, { exitCode: EXIT.unreachable, hint: 'allow more time with --timeout MS; `kconnect status NAME` shows where it is' });
    }
    await sleep(250);
  }
}

export async function statusCommand(io: Io, o: Common & { name: string; verbose: boolean }): Promise<api.ConnectorStatus> {
  const s = await api.status(o.client, o.name);
  if (o.json) out(io, JSON.stringify(statusJson(s)));
  else statusLines(s, paint(io, 'stdout'), o.verbose).forEach((l) => out(io, l));
  return s;
}

export async function topicsCommand(io: Io, o: Common & { name: string }): Promise<string[]> {
  const list = await api.topics(o.client, o.name);
  if (o.json) out(io, JSON.stringify({ name: o.name, topics: list }));
  else list.forEach((t) => out(io, t));
  return list;
}

export async function configCommand(io: Io, o: Common & { name: string }): Promise<Record<string, string>> {
  const cfg = await api.config(o.client, o.name);
  // The JSON is what `kconnect update NAME -f FILE` takes back.
  if (o.json) out(io, JSON.stringify(cfg));
  else Object.keys(cfg).sort().forEach((k) => out(io, `${k}=${cfg[k]}`));
  return cfg;
}

export type Action = 'pause' | 'resume' | 'delete';
const PAST: Record<Action | 'restart', string> = { pause: 'paused', resume: 'resumed', delete: 'deleted', restart: 'restarted' };

export async function actionCommand(io: Io, o: Common & { name: string; action: Action }): Promise<void> {
  if (o.action === 'pause') await api.pause(o.client, o.name);
  else if (o.action === 'resume') await api.resume(o.client, o.name);
  else await api.remove(o.client, o.name);
  report(io, o, PAST[o.action]);
}

export async function restartCommand(io: Io, o: Common & { name: string; tasks: boolean; failedOnly: boolean; wait?: 'running'; waitMs: number }): Promise<void> {
  const before = o.wait ? await api.status(o.client, o.name) : undefined;
  await api.restart(o.client, o.name, { tasks: o.tasks, failedOnly: o.failedOnly });
  if (o.wait) await waitRunning(o.client, o.name, o.waitMs, before);
  report(io, o, PAST.restart, o.wait ? 'RUNNING' : undefined);
}

function report(io: Io, o: Common & { name: string }, action: string, state?: string): void {
  if (o.json) out(io, JSON.stringify({ name: o.name, action, ...(state ? { state } : {}) }));
  else err(io, `kconnect: ${action} ${o.name}${state ? ', running' : ''}`);
}
