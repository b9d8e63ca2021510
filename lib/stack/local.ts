// The local provider: Apache Kafka on this machine's JVM, from Maven Central jars. No Docker needed.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../errors.js';
import { describeBrokers } from '../kafka/index.js';
import { ensureConnectJars, startWorker } from './connect/index.js';
import { ensureJars } from './maven.js';
import type { StackPaths } from './paths.js';
import { newClusterId, planStack, type NodePlan, type StackOptions, type StackPlan } from './plan.js';
import { assertPortsFree } from './ports.js';
import { fileSize, javaBin, isOurs, requireProgram, runToEnd, spawnDetached, stopProcess, waitForLogLine } from './process.js';
import { brokerProperties, loggingConfig, readyLine, renderProperties, zookeeperProperties } from './properties.js';
import { describeOverrides, type BrokerOverrides } from './overrides.js';
import { decideUp, type Restart } from './recover.js';
import {
  processCondition,
  processName,
  readState,
  removeStack,
  ROLE_ORDER,
  stateOverrides,
  writeState,
  type LaunchCommand,
  type ProcessCondition,
  type ProcessRole,
  type ProcessState,
  type SecureState,
  type ShapeRequest,
  type StackState,
} from './state.js';
import { findKafkaVersion } from './versions.js';
import { generateSecurity, loadSecurity, SASL_MECHANISMS, scramFormatArgs, writeProfiles, type SecureMaterial } from './secure.js';

export interface UpOptions extends StackOptions {
  paths: StackPaths;
  /** How long the processes may take to serve, after the jars are resolved. */
  timeoutMs: number;
  onProgress?: (text: string) => void;
  /** The shape options given as flags; the others mean "as recorded". Absent: all of them (an exact shape). */
  given?: ReadonlyArray<keyof ShapeRequest>;
  /** Remove the recorded stack and its data first (`up --fresh`). */
  fresh?: boolean;
}

export interface UpResult {
  state: StackState;
  alreadyRunning: boolean;
  /** The processes `up` brought back on their data, and why they were not running; empty for a new stack. */
  restarted: Restart[];
  /** `--fresh` removed a recorded stack and its data before starting this one. */
  removedData: boolean;
  elapsedMs: number;
}

export const JVM_FLAGS = [
  // The same collector settings as Kafka's kafka-run-class.sh, with a small heap floor.
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** Short, human description of a stack's shape, used in messages. */
export function describeShape(s: { brokers: number; mode: string; kafka: string }): string {
  return `${s.brokers === 1 ? 'one broker' : `${s.brokers} brokers`}, Kafka ${s.kafka}${s.mode === 'zookeeper' ? ' with ZooKeeper' : ' (KRaft)'}`;
}

/** The shape plus any --config overrides, for messages that tell one stack from another. */
export function describeStack(s: { brokers: number; mode: string; kafka: string; config?: BrokerOverrides; secure?: unknown }): string {
  const config = describeOverrides(s.config ?? {});
  const shape = s.secure ? `${describeShape(s)}, secure` : describeShape(s);
  return config ? `${shape}, config ${config}` : shape;
}

const SHAPE_KEYS = ['brokers', 'mode', 'kafka', 'basePort', 'host', 'config', 'secure', 'connect'] as const satisfies ReadonlyArray<keyof ShapeRequest>;

/** The shape `up` was asked for: the given options only; an unset --config or --secure asks for none. */
function requestedShape(o: UpOptions): ShapeRequest {
  const full: Required<Omit<ShapeRequest, 'connect'>> & Pick<ShapeRequest, 'connect'> = { brokers: o.brokers, mode: o.mode, kafka: o.kafka, basePort: o.basePort, host: o.host, config: o.config ?? {}, secure: o.secure === true, connect: o.connect };
  const given = o.given ?? SHAPE_KEYS;
  return Object.fromEntries(SHAPE_KEYS.filter((k) => given.includes(k)).map((k) => [k, full[k]])) as ShapeRequest;
}

/**
 * `kstack up`: start the stack; or, over a recorded one, bring back exactly the processes that do not run, on their
 * data (see decideUp). Data is removed only with `fresh`.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const { runDir } = options.paths;
  const existing = readState(runDir);
  const decision = decideUp(existing, (p) => isOurs(p.pid, p.marker), { shape: requestedShape(options), fresh: options.fresh === true }, describeStack);
  if (decision.action === 'refuse') throw decision.error;
  if (decision.action === 'none') return { state: existing!, alreadyRunning: true, restarted: [], removedData: false, elapsedMs: Date.now() - started };
  if (decision.action === 'restart') {
    const state = await restartProcesses(existing!, decision.restart, { timeoutMs: options.timeoutMs, progress: options.onProgress ?? (() => {}), heap: options.heap, cacheDir: options.paths.cacheDir });
    return { state, alreadyRunning: false, restarted: decision.restart, removedData: false, elapsedMs: Date.now() - started };
  }
  if (decision.removeFirst) {
    options.onProgress?.('removing the recorded stack and its data (--fresh)');
    await stopAll(decision.removeFirst, 15_000);
    removeStack(runDir);
  }
  const state = await startNew(options);
  return { state, alreadyRunning: false, restarted: [], removedData: decision.removeFirst !== undefined, elapsedMs: Date.now() - started };
}

async function startNew(options: UpOptions): Promise<StackState> {
  const progress = options.onProgress ?? (() => {});
  const { runDir, cacheDir } = options.paths;
  requireProgram(javaBin(), ['-version'], 'Java', 'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless), or set JAVA_HOME');
  const plan = planStack(options, runDir);
  await assertPortsFree([...plan.ports, ...(options.connect ? [options.connect.port] : [])], plan.host);
  const jars = await ensureJars(options.kafka, cacheDir, () => progress(`resolving Kafka ${options.kafka.version} jars from Maven Central (first time only)`));
  const classpath = join(jars, '*');
  const connectJars = options.connect ? await ensureConnectJars(options.kafka, options.connect.plugins, cacheDir, progress) : undefined;

  if (plan.secure) progress('creating certificates and users');
  const security = plan.secure ? await generateSecurity(runDir, plan.host) : undefined;
  const logging = writeConfigs(plan, security);
  const clusterId = newClusterId(randomBytes);
  if (plan.mode === 'kraft') {
    progress('formatting storage');
    await Promise.all(
      brokers(plan).map((node) =>
        runToEnd(javaBin(), [...logging.jvmFlag, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', node.configFile, ...(security ? scramFormatArgs(security) : [])], {
          timeoutMs: 120_000,
          what: `formatting storage of broker ${node.id}`,
        }),
      ),
    );
  }

  const state: StackState = {
    provider: 'local',
    kafka: options.kafka.version,
    mode: plan.mode,
    brokers: plan.brokers,
    basePort: plan.basePort,
    host: plan.host,
    bootstrap: plan.bootstrap,
    ...(plan.mode === 'kraft' ? { clusterId } : {}),
    config: plan.config,
    ...(security ? { secure: secureState(plan, security) } : {}),
    runDir,
    status: 'running',
    startedAt: new Date().toISOString(),
    processes: [],
  };
  const deadline = Date.now() + options.timeoutMs;
  try {
    const zk = plan.nodes.find((n) => n.role === 'zookeeper');
    if (zk) {
      progress('starting ZooKeeper');
      const p = launch(processState(zk, launchCommand(plan, zk, classpath, logging.jvmFlag)));
      state.processes.push(p);
      writeState(state);
      await waitForLogLine(zk.logFile, new RegExp(p.command!.ready), { pid: p.pid, marker: p.marker, name: 'ZooKeeper' }, deadline);
    }
    progress(`starting ${describeShape(state)}`);
    const launched = brokers(plan).map((node) => launch(processState(node, launchCommand(plan, node, classpath, logging.jvmFlag))));
    state.processes.push(...launched);
    writeState(state);
    await Promise.all(launched.map((p) => waitForLogLine(p.logFile, new RegExp(p.command!.ready), { pid: p.pid, marker: p.marker, name: `broker ${p.id}` }, deadline)));
    progress('waiting for metadata from a client');
    await awaitMetadata(state, brokerIds(state), deadline);
    if (options.connect && connectJars) {
      progress('starting the Kafka Connect worker');
      const onLaunched = (p: ProcessState) => (state.processes.push(p), writeState(state));
      state.connect = await startWorker(state, { options: options.connect, jars: connectJars, ...(security ? { security } : {}), loggingFlags: logging.jvmFlag, jvmFlags: JVM_FLAGS, deadline, onLaunched });
      writeState(state);
    }
  } catch (e) {
    await stopAll(state, 10_000);
    removeStack(runDir);
    throw e;
  }
  return state;
}

/**
 * Starts the given processes again from their recorded command lines, on their data, role by role (ZooKeeper before
 * brokers), then waits for each to log that it serves and for a client's metadata to list every running broker. If one
 * fails, the ones started here are stopped again and the data stays: `kstack up` may try again, `kstack down` removes it.
 */
async function restartProcesses(
  state: StackState,
  restarts: Restart[],
  o: { timeoutMs: number; progress: (text: string) => void; heap: string; cacheDir: string },
): Promise<StackState> {
  requireProgram(javaBin(), ['-version'], 'Java', 'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless), or set JAVA_HOME');
  const procs = restarts.map((r) => r.process);
  if (procs.some((p) => !p.command)) await rebuildCommands(state, procs, o);
  try {
    await assertPortsFree(
      procs.flatMap((p) => [p.port, ...(p.controllerPort === undefined ? [] : [p.controllerPort])]),
      state.host,
    );
  } catch (e) {
    // The recorded stack owns its ports: --port would ask for another stack.
    if (!(e instanceof KtoolError)) throw e;
    throw new KtoolError(e.code, `${e.message}, and ${procs.map(processName).join(', ')} of the recorded stack needs it`, { exitCode: e.exitCode, hint: 'stop whatever listens there, then run `kstack up` again; `kstack down` removes the recorded stack and its data' });
  }
  const next: StackState = { ...state, status: 'running', processes: [...state.processes] };
  const deadline = Date.now() + o.timeoutMs;
  const relaunched: ProcessState[] = [];
  try {
    for (const role of ROLE_ORDER) {
      const group = procs.filter((p) => p.role === role);
      if (group.length === 0) continue;
      o.progress(`restarting ${group.map(processName).join(', ')} on its data`);
      // One at a time into the state (a pid per launch), all waited for together.
      const record = (fresh: ProcessState) => {
        relaunched.push(fresh);
        next.processes = next.processes.map((x) => (x.role === fresh.role && x.id === fresh.id ? fresh : x));
        writeState(next);
      };
      await Promise.all(group.map((p) => launchUntilReady(p, state.mode, deadline, record, o.progress)));
    }
    if (procs.some((p) => p.role === 'broker')) {
      o.progress('waiting for metadata from a client');
      await awaitMetadata(next, brokerIds(next, (p) => isOurs(p.pid, p.marker)), deadline);
    }
  } catch (e) {
    await Promise.all(relaunched.map((p) => stopProcess(p.pid, p.marker, 10_000)));
    if (e instanceof KtoolError && !e.hint) {
      throw new KtoolError(e.code, e.message, { exitCode: e.exitCode, cause: e, hint: 'the data is kept: `kstack logs` shows why, `kstack up` tries again, `kstack down` removes the stack and its data' });
    }
    throw e;
  }
  return next;
}

/**
 * Launches a process and waits for its ready line. A ZooKeeper-mode broker that was killed leaves its registration
 * (an ephemeral znode) until ZooKeeper expires its old session (zookeeper.session.timeout.ms, 18 s); a broker started
 * before that exits with NodeExistsException, so it is launched again until the session is gone or the deadline.
 */
async function launchUntilReady(p: ProcessState, mode: StackState['mode'], deadline: number, record: (fresh: ProcessState) => void, progress: (text: string) => void): Promise<void> {
  for (;;) {
    const from = fileSize(p.logFile);
    const fresh = launch(p);
    record(fresh);
    try {
      await waitForLogLine(fresh.logFile, new RegExp(fresh.command!.ready), { pid: fresh.pid, marker: fresh.marker, name: processName(fresh) }, deadline, from);
      return;
    } catch (e) {
      const stale = mode === 'zookeeper' && p.role === 'broker' && e instanceof KtoolError && e.code === 'START_FAILED' && /NodeExistsException/.test(readFrom(p.logFile, from));
      if (!stale || Date.now() > deadline) throw e;
      progress(`waiting for ZooKeeper to expire ${processName(p)}'s old session (up to 18 s)`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** A log's text from a byte offset on: what one run of a process wrote. */
function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString();
  } catch {
    return '';
  }
}

/** State files written before kstack recorded command lines: rebuild them from the plan, as `up` wrote them. */
async function rebuildCommands(state: StackState, procs: ProcessState[], o: { heap: string; cacheDir: string; progress: (text: string) => void }): Promise<void> {
  const kafka = findKafkaVersion(state.kafka);
  if (!kafka) throw new KtoolError('STACK_UNKNOWN', `${state.runDir} records Kafka ${state.kafka}, which this kstack cannot run`, { exitCode: EXIT.usage, hint: 'remove it with `kstack down`' });
  const plan = planStack({ brokers: state.brokers, mode: state.mode, kafka, host: state.host, basePort: state.basePort, heap: o.heap, config: stateOverrides(state), secure: state.secure !== undefined }, state.runDir);
  const jars = await ensureJars(kafka, o.cacheDir, () => o.progress(`resolving Kafka ${kafka.version} jars from Maven Central (first time only)`));
  const logging = writeConfigs(plan, plan.secure ? loadSecurity(state.runDir) : undefined);
  for (const p of procs) {
    const node = plan.nodes.find((n) => n.role === p.role && n.id === p.id);
    if (node) p.command = launchCommand(plan, node, join(jars, '*'), logging.jvmFlag);
  }
}

/** Broker ids of the stack, or those whose process passes `keep`. */
function brokerIds(state: StackState, keep: (p: ProcessState) => boolean = () => true): number[] {
  return state.processes.filter((p) => p.role === 'broker' && keep(p)).map((p) => p.id);
}

function brokers(plan: StackPlan): NodePlan[] {
  return plan.nodes.filter((n) => n.role === 'broker');
}

/** What `status` and `up` tell users about a secured stack: addresses and file paths, never the password. */
function secureState(plan: StackPlan, m: SecureMaterial): SecureState {
  const list = (pick: (p: NonNullable<NodePlan['securePorts']>) => number) =>
    brokers(plan)
      .map((n) => `${plan.host}:${pick(n.securePorts!)}`)
      .join(',');
  const listeners = { saslPlaintext: list((p) => p.saslPlaintext), ssl: list((p) => p.ssl), saslSsl: list((p) => p.saslSsl) };
  const configFile = writeProfiles(m, listeners);
  return { listeners, mechanisms: [...SASL_MECHANISMS], user: m.user, passwordFile: m.passwordFile, caFile: m.caFile, clientCert: m.clientCert, clientKey: m.clientKey, configFile };
}

function writeConfigs(plan: StackPlan, security?: SecureMaterial): { jvmFlag: string[] } {
  const logging = loggingConfig(plan);
  const loggingFile = join(plan.runDir, 'nodes', logging.fileName);
  mkdirSync(join(plan.runDir, 'nodes'), { recursive: true });
  writeFileSync(loggingFile, logging.text);
  for (const node of plan.nodes) {
    mkdirSync(node.dataDir, { recursive: true });
    const props = node.role === 'zookeeper' ? zookeeperProperties(plan, node) : brokerProperties(plan, node, security);
    // With --secure the file holds the store and user passwords: owner-only.
    writeFileSync(node.configFile, renderProperties(props, `written by kstack for ${node.role} ${node.id}; regenerated on every start`), { mode: 0o600 });
  }
  const jvmFlag = plan.kafka.logging === 'log4j2' ? [`-Dlog4j2.configurationFile=${loggingFile}`] : [`-Dlog4j.configuration=file:${loggingFile}`];
  return { jvmFlag: [...jvmFlag, `-Dkafka.logs.dir=${join(plan.runDir, 'nodes')}`] };
}

/** The command line of one node, recorded in the state so that `up` and `start` can run it again as it was. */
function launchCommand(plan: StackPlan, node: NodePlan, classpath: string, loggingFlags: string[]): LaunchCommand {
  const heap = [`-Xmx${plan.heap}`, '-Xms128m'];
  const mainClass = node.role === 'zookeeper' ? 'org.apache.zookeeper.server.quorum.QuorumPeerMain' : 'kafka.Kafka';
  return { bin: javaBin(), args: [...heap, ...JVM_FLAGS, ...loggingFlags, '-cp', classpath, mainClass, node.configFile], cwd: node.dir, ready: readyLine(plan, node).source };
}

function processState(node: NodePlan, command: LaunchCommand): ProcessState {
  return {
    role: node.role,
    id: node.id,
    port: node.port,
    ...(node.controllerPort === undefined ? {} : { controllerPort: node.controllerPort }),
    pid: 0,
    marker: node.configFile,
    logFile: node.logFile,
    command,
  };
}

/** Starts a process from its recorded command; returns its state with the new pid and no "stopped" mark. */
function launch(p: ProcessState): ProcessState {
  const pid = spawnDetached(p.command!.bin, p.command!.args, p.logFile, p.command!.cwd);
  return { ...launchedAs(p), pid };
}

/** Ready means a client gets metadata listing every broker that should run, not just a log line. */
async function awaitMetadata(state: { bootstrap: string }, want: number[], deadline: number): Promise<void> {
  let seen: number[] = [];
  while (Date.now() < deadline) {
    const left = Math.max(1_000, deadline - Date.now());
    try {
      const { brokers: listed } = await describeBrokers({ brokers: state.bootstrap.split(','), timeoutMs: Math.min(left, 5_000) });
      seen = listed.map((b) => b.nodeId);
      if (want.every((id) => seen.includes(id))) return;
    } catch {
      // not serving yet; try again until the deadline
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new KtoolError('START_TIMEOUT', `the brokers started but metadata listed ${seen.length ? `brokers ${seen.join(', ')}` : 'none'} of ${want.join(', ')} in time`, {
    exitCode: EXIT.unreachable,
    hint: 'allow more time with --timeout MS, or read the broker logs named by `kstack status`',
  });
}

async function stopAll(state: StackState, timeoutMs: number): Promise<Array<ProcessState & { outcome: string }>> {
  // The reverse of the start order: the Connect worker while it can reach Kafka, brokers together (a KRaft quorum shuts down as one), ZooKeeper last.
  const order = [...ROLE_ORDER].reverse();
  const results: Array<ProcessState & { outcome: string }> = [];
  for (const role of order) {
    const group = state.processes.filter((p) => p.role === role);
    const outcomes = await Promise.all(group.map((p) => stopProcess(p.pid, p.marker, timeoutMs)));
    group.forEach((p, i) => results.push({ ...p, outcome: outcomes[i] ?? 'not-running' }));
  }
  return results;
}

export interface DownResult {
  state?: StackState;
  stopped: Array<ProcessState & { outcome: string }>;
  removedData: boolean;
}

export async function down(options: { paths: StackPaths; timeoutMs: number; keep: boolean }): Promise<DownResult> {
  const state = readState(options.paths.runDir);
  if (!state) return { stopped: [], removedData: false };
  const stopped = await stopAll(state, options.timeoutMs);
  if (options.keep) writeState({ ...state, status: 'kept' });
  else removeStack(options.paths.runDir);
  return { state, stopped, removedData: !options.keep };
}

export interface StatusResult {
  state?: StackState;
  running: boolean;
  processes: Array<ProcessState & { running: boolean; condition: ProcessCondition }>;
}

export function status(options: { paths: StackPaths }): StatusResult {
  const state = readState(options.paths.runDir);
  if (!state) return { running: false, processes: [] };
  const processes = state.processes.map((p) => {
    const running = isOurs(p.pid, p.marker);
    return { ...p, running, condition: processCondition(p, running) };
  });
  const running = state.status === 'running' && processes.length > 0 && processes.every((p) => p.running);
  return { state, running, processes };
}

/** Which process `kstack stop` / `kstack start` act on: `--broker N` is { role: 'broker', id: N }. */
export interface ProcessTarget {
  role: ProcessRole;
  id: number;
}

function findTarget(paths: StackPaths, target: ProcessTarget): { state: StackState; proc: ProcessState } {
  const state = readState(paths.runDir);
  if (!state) throw new KtoolError('NO_STACK', `no local stack in ${paths.runDir}`, { exitCode: EXIT.usage, hint: 'start one with `kstack up`' });
  const proc = state.processes.find((p) => p.role === target.role && p.id === target.id);
  if (!proc) {
    const ids = state.processes.filter((p) => p.role === target.role).map((p) => p.id);
    throw new KtoolError('NO_SUCH_PROCESS', `the stack in ${paths.runDir} has no ${processName(target)}`, {
      exitCode: EXIT.usage,
      hint: ids.length ? `it has ${target.role} ${ids.join(', ')} (kstack status)` : `it has no ${target.role} (kstack status)`,
    });
  }
  return { state, proc };
}

export interface StopOneResult {
  process: ProcessState;
  /** stopped: it shut down cleanly; killed: SIGKILL (asked for, or after the timeout); not-running: it was not running. */
  outcome: 'stopped' | 'killed' | 'not-running';
}

/**
 * `kstack stop --broker N`: stops one process of a running stack, cleanly (SIGTERM, then SIGKILL after timeoutMs) or
 * with `kill` as a crash (SIGKILL), and records that the user stopped it. Its data stays; `start` or `up` brings it back.
 */
export async function stopOne(options: { paths: StackPaths; target: ProcessTarget; kill: boolean; timeoutMs: number }): Promise<StopOneResult> {
  const { state, proc } = findTarget(options.paths, options.target);
  let outcome: StopOneResult['outcome'];
  if (!isOurs(proc.pid, proc.marker)) outcome = 'not-running';
  else if (!options.kill) outcome = await stopProcess(proc.pid, proc.marker, options.timeoutMs);
  else {
    process.kill(proc.pid, 'SIGKILL');
    const deadline = Date.now() + options.timeoutMs;
    while (isOurs(proc.pid, proc.marker)) {
      if (Date.now() > deadline) throw new KtoolError('STOP_FAILED', `${processName(proc)} (pid ${proc.pid}) still runs ${options.timeoutMs} ms after SIGKILL`, { exitCode: EXIT.failed });
      await new Promise((r) => setTimeout(r, 100));
    }
    outcome = 'killed';
  }
  const stopped: ProcessState = { ...proc, stopped: proc.stopped && outcome === 'not-running' ? proc.stopped : { at: new Date().toISOString(), how: outcome === 'stopped' ? 'clean' : 'killed' } };
  if (state.status === 'running') writeState({ ...state, processes: state.processes.map((p) => (p === proc ? stopped : p)) });
  return { process: stopped, outcome };
}

export interface StartOneResult {
  process: ProcessState;
  alreadyRunning: boolean;
  elapsedMs: number;
}

/**
 * `kstack start --broker N`: starts one stopped (or crashed) process of a running stack again, on its data, and waits
 * until it serves: its ready log line, then (a broker) a client's metadata lists it. timeoutMs bounds the wait.
 */
export async function startOne(options: { paths: StackPaths; target: ProcessTarget; timeoutMs: number; onProgress?: (text: string) => void }): Promise<StartOneResult> {
  const started = Date.now();
  const { state, proc } = findTarget(options.paths, options.target);
  if (state.status === 'kept') {
    throw new KtoolError('STACK_KEPT', `the stack in ${options.paths.runDir} was stopped with \`kstack down --keep\``, { exitCode: EXIT.usage, hint: 'start all of it with `kstack up`' });
  }
  if (isOurs(proc.pid, proc.marker)) {
    if (proc.stopped) writeState({ ...state, processes: state.processes.map((p) => (p === proc ? launchedAs(p) : p)) });
    return { process: proc, alreadyRunning: true, elapsedMs: Date.now() - started };
  }
  const was = processCondition(proc, false) as 'stopped' | 'down';
  // The heap only matters for a state file without command lines (before kstack had `start`): up's default then.
  const next = await restartProcesses(state, [{ process: proc, was }], { timeoutMs: options.timeoutMs, progress: options.onProgress ?? (() => {}), heap: '512m', cacheDir: options.paths.cacheDir });
  const fresh = next.processes.find((p) => p.role === proc.role && p.id === proc.id)!;
  return { process: fresh, alreadyRunning: false, elapsedMs: Date.now() - started };
}

function launchedAs(p: ProcessState): ProcessState {
  const { stopped: _stopped, ...rest } = p;
  return rest;
}

