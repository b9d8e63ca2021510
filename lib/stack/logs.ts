// `kstack logs` for the local provider: the end of each node's out.log, optionally followed, one name per node.
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, KtoolError, usageError } from '../errors.js';
import type { StackPaths } from './paths.js';
import { readState, type StackState } from './state.js';
import { readRegistryState } from './registry.js';

export interface LogSource {
  /** broker-1, broker-2, ..., zookeeper. */
  name: string;
  file: string;
}

export interface LocalLogsOptions {
  paths: StackPaths;
  /** A node name, or `kafka` (every broker); every node when absent. */
  service?: string;
  lines: number;
  follow: boolean;
  write: (chunk: Buffer | string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** How often a followed file is checked for new lines. */
  pollMs?: number;
}

export function logSources(state: StackState): LogSource[] {
  const registry = readRegistryState(state.runDir);
  return [...state.processes.map((p) => ({ name: p.role === 'broker' ? `broker-${p.id}` : p.role, file: p.logFile })), ...(registry ? [{ name: 'registry', file: registry.logFile }] : [])];
}

/**
 * Picks the logs a name asks for. `kafka` (the compose service's name) and `broker` mean every broker; in KRaft mode each
 * broker is also a controller (combined nodes), so `controller` means every broker there.
 */
export function selectSources(state: StackState, service: string | undefined): LogSource[] {
  const all = logSources(state);
  if (!service) return all;
  const brokers = all.filter((s) => s.name.startsWith('broker-'));
  if (service === 'kafka' || service === 'broker' || (service === 'controller' && state.mode === 'kraft')) return brokers;
  const one = all.filter((s) => s.name === service);
  if (one.length) return one;
  const aliases = state.mode === 'kraft' ? 'kafka or controller for every broker' : 'kafka for every broker';
  throw usageError(`this stack has no log named "${service}"`, `choose one of ${all.map((s) => s.name).join(', ')} (or ${aliases})`);
}

export async function localLogs(o: LocalLogsOptions): Promise<void> {
  const state = readState(o.paths.runDir);
  if (!state) throw new KtoolError('NO_STACK', `no stack in ${o.paths.runDir}, so no logs`, { exitCode: EXIT.failed, hint: 'start one with `kstack up`' });
  const sources = selectSources(state, o.service);
  const width = Math.max(...sources.map((s) => s.name.length));
  // Like `docker compose logs`: each line names its node when more than one log is shown.
  const prefix = (s: LogSource) => (sources.length > 1 ? `${s.name.padEnd(width)} | ` : '');
  const offsets = new Map<LogSource, number>();
  for (const s of sources) {
    const { text, size } = await readTail(s.file, o.lines);
    offsets.set(s, size);
    if (text) o.write(prefixLines(text, prefix(s)), 'stdout');
  }
  if (!o.follow) return;
  const carry = new Map<LogSource, string>();
  while (!o.signal?.aborted) {
    let present = 0;
    for (const s of sources) {
      const size = await stat(s.file).then((st) => st.size, () => undefined);
      if (size === undefined) continue; // removed by `kstack down`
      present += 1;
      let from = offsets.get(s) ?? 0;
      if (size < from) from = 0; // truncated
      if (size === from) continue;
      const chunk = (carry.get(s) ?? '') + (await readRange(s.file, from, size));
      offsets.set(s, size);
      const end = chunk.lastIndexOf('\n') + 1;
      carry.set(s, chunk.slice(end));
      if (end > 0) o.write(prefixLines(chunk.slice(0, end), prefix(s)), 'stdout');
    }
    if (present === 0) break; // the stack is gone: nothing more will come
    await sleep(o.pollMs ?? 250, undefined, o.signal ? { signal: o.signal } : {}).catch(() => {});
  }
  for (const s of sources) {
    const rest = carry.get(s);
    if (rest) o.write(prefixLines(`${rest}\n`, prefix(s)), 'stdout');
  }
}

function prefixLines(text: string, prefix: string): string {
  if (!prefix) return text;
  return text.replace(/^(?=.)/gm, prefix).replace(/^$(?=\n)/gm, prefix.trimEnd());
}

/** The last `lines` lines of a file, reading backwards in blocks so a large log is not read whole; and the file's size. */
export async function readTail(file: string, lines: number): Promise<{ text: string; size: number }> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return { text: '', size: 0 };
  try {
    const { size } = await handle.stat();
    if (lines <= 0 || size === 0) return { text: '', size };
    const block = 64 * 1024;
    let pos = size;
    let buf = Buffer.alloc(0);
    // Stop once the buffer holds more than `lines` line breaks before its final one.
    while (pos > 0 && countNewlines(buf.subarray(0, Math.max(0, buf.length - 1))) < lines) {
      const len = Math.min(block, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      await handle.read(chunk, 0, len, pos);
      buf = Buffer.concat([chunk, buf]);
    }
    const text = buf.toString('utf8');
    const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    const kept = all.slice(-lines);
    return { text: kept.join('\n') + '\n', size };
  } finally {
    await handle.close();
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n += 1;
  return n;
}

async function readRange(file: string, from: number, to: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
