// The record of a running (or stopped, kept) stack: written atomically to <runDir>/state.json.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sameOverrides, type BrokerOverrides } from './overrides.js';
import type { StackMode, StackOptions } from './plan.js';

export interface ProcessState {
  role: 'broker' | 'zookeeper';
  id: number;
  port: number;
  controllerPort?: number;
  pid: number;
  /** A string only our process's command line contains (its config file path). */
  marker: string;
  logFile: string;
}

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
  return (
    state.brokers === o.brokers &&
    state.mode === o.mode &&
    state.kafka === o.kafka.version &&
    state.basePort === o.basePort &&
    state.host === o.host &&
    (state.secure !== undefined) === (o.secure === true) &&
    sameOverrides(stateOverrides(state), o.config ?? {})
  );
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
