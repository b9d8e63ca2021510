// The record of a running (or stopped, kept) stack: written atomically to <runDir>/state.json.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sameOverrides, type BrokerOverrides } from './overrides.js';
import type { StackMode, StackOptions } from './plan.js';
import { sameConnect, type ConnectState } from './connect/state.js';

/** The roles a stack's processes play; `up` brings them back in this order (a broker needs ZooKeeper first, a Connect worker brokers). */
export const ROLE_ORDER = ['zookeeper', 'broker', 'connect'] as const;
export type ProcessRole = (typeof ROLE_ORDER)[number];

/** How to start a process again exactly as `up` first started it (heap, classpath, config file). */
export interface LaunchCommand {
  bin: string;
  args: string[];
  cwd: string;
  /** The log line (a RegExp source) that says it serves. */
  ready: string;
}

export interface ProcessState {
  role: ProcessRole;
  id: number;
  port: number;
  controllerPort?: number;
  pid: number;
  /** A string only our process's command line contains (its config file path). */
  marker: string;
  logFile: string;
  /** Absent in state files written before kstack could restart one process; `up` then rebuilds it from the plan. */
  command?: LaunchCommand;
  /** Set by `kstack stop`: the user stopped it (status "stopped"), as opposed to a crash (status "down"). */
  stopped?: { at: string; how: 'clean' | 'killed' };
}

/** What `status` shows for a process: serving, stopped by `kstack stop`, or gone without being asked (a crash). */
export type ProcessCondition = 'up' | 'stopped' | 'down';

export function processCondition(p: ProcessState, alive: boolean): ProcessCondition {
  return alive ? 'up' : p.stopped ? 'stopped' : 'down';
}

/** `broker 2`, `zookeeper`: how messages name a process. */
export const processName = (p: { role: string; id: number }) => (p.role === 'zookeeper' ? 'ZooKeeper' : `${p.role} ${p.id}`);

/** Paths and addresses only: the password itself stays in passwordFile. */
export interface SecureState {
  /** Bootstrap lists per listener. */
  listeners: { saslPlaintext: string; ssl: string; saslSsl: string };
  mechanisms: string[];
  user: string;
  passwordFile: string;
  caFile: string;
  clientCert: string;
  clientKey: string;
  /** A ktool config file with the profiles kstack-sasl, kstack-ssl and kstack-sasl-ssl. */
  configFile: string;
}

export interface StackState {
  provider: 'local';
  kafka: string;
  mode: StackMode;
  brokers: number;
  basePort: number;
  host: string;
  bootstrap: string;
  clusterId?: string;
  /** The `--config` broker overrides; absent in state files written before kstack had them, which means none. */
  config?: BrokerOverrides;
  /** `up --secure`: how to connect to the secured listeners; absent for plain stacks (and state files that predate it). */
  secure?: SecureState;
  /** `up --connect`: the Connect worker's address and plugins; absent without it. */
  connect?: ConnectState;
  runDir: string;
  /** running: processes were started; kept: stopped by `down --keep`, data still on disk. */
  status: 'running' | 'kept';
  startedAt: string;
  processes: ProcessState[];
}

/** The overrides a stack was started with; none for state files that predate them. */
export const stateOverrides = (state: StackState): BrokerOverrides => state.config ?? {};

/** Whether `up` with these options asks for the stack this state records: same shape, ports and broker overrides. */
export function sameShape(state: StackState, o: StackOptions): boolean {
  return shapeDifferences(state, { brokers: o.brokers, mode: o.mode, kafka: o.kafka, basePort: o.basePort, host: o.host, config: o.config ?? {}, secure: o.secure === true, connect: o.connect }).length === 0;
}

/** The parts of a stack's shape a user may ask for with flags; each undefined one means "whatever is recorded". */
export type ShapeRequest = Partial<Pick<StackOptions, 'brokers' | 'mode' | 'kafka' | 'basePort' | 'host' | 'config' | 'secure' | 'connect'>>;

/** The flags of `request` that ask for something other than the recorded stack, as `--flag asked (recorded x)`; none means it is this stack. */
export function shapeDifferences(state: StackState, request: ShapeRequest): string[] {
  const out: string[] = [];
  const differ = (flag: string, asked: unknown, recorded: unknown) => out.push(`${flag} ${String(asked)} (recorded: ${String(recorded)})`);
  if (request.brokers !== undefined && request.brokers !== state.brokers) differ('--brokers', request.brokers, state.brokers);
  if (request.mode !== undefined && request.mode !== state.mode) out.push(request.mode === 'zookeeper' ? '--zookeeper (recorded: KRaft)' : 'no --zookeeper (recorded: ZooKeeper mode)');
  if (request.kafka !== undefined && request.kafka.version !== state.kafka) differ('--kafka', request.kafka.version, state.kafka);
  if (request.basePort !== undefined && request.basePort !== state.basePort) differ('--port', request.basePort, state.basePort);
  if (request.host !== undefined && request.host !== state.host) differ('host', request.host, state.host);
  if (request.secure !== undefined && request.secure !== (state.secure !== undefined)) out.push(request.secure ? '--secure (recorded: not secure)' : 'no --secure (recorded: secure)');
  // connect: present in the request (even as undefined) only when --connect was given or a whole shape is compared.
  if ('connect' in request && !sameConnect(state.connect, request.connect)) {
    const show = (c?: { port: number; plugins: string[] }) => (c ? `a worker on port ${c.port}${c.plugins.length ? ` with ${c.plugins.join(', ')}` : ''}` : 'no Connect worker');
    out.push(`--connect: ${show(request.connect)} (recorded: ${show(state.connect)})`);
  }
  if (request.config !== undefined && !sameOverrides(stateOverrides(state), request.config)) {
    const show = (c: BrokerOverrides) => Object.entries(c).map(([k, v]) => `${k}=${v}`).sort().join(' ') || 'none';
    differ('--config', show(request.config), show(stateOverrides(state)));
  }
  return out;
}

export const stateFile = (runDir: string) => join(runDir, 'state.json');

export function readState(runDir: string): StackState | undefined {
  const file = stateFile(runDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StackState;
}

export function writeState(state: StackState): void {
  mkdirSync(state.runDir, { recursive: true });
  const file = stateFile(state.runDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Removes what kstack created in the run directory, and nothing else that may live there. */
export function removeStack(runDir: string): void {
  rmSync(join(runDir, 'nodes'), { recursive: true, force: true });
  rmSync(join(runDir, 'secure'), { recursive: true, force: true });
  rmSync(stateFile(runDir), { force: true });
}
