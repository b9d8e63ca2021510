// The local provider: Apache Kafka on this machine's JVM, from Maven Central jars. No Docker needed.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../errors.js';
import { describeBrokers } from '../kafka/index.js';
import { ensureJars } from './maven.js';
import type { StackPaths } from './paths.js';
import { newClusterId, planStack, type NodePlan, type StackOptions, type StackPlan } from './plan.js';
import { assertPortsFree } from './ports.js';
import { javaBin, isOurs, requireProgram, runToEnd, spawnDetached, stopProcess, waitForLogLine } from './process.js';
import { brokerProperties, loggingConfig, readyLine, renderProperties, zookeeperProperties } from './properties.js';
import { describeOverrides, type BrokerOverrides } from './overrides.js';
import { readState, removeStack, sameShape, writeState, type ProcessState, type SecureState, type StackState } from './state.js';
import { generateSecurity, loadSecurity, SASL_MECHANISMS, scramFormatArgs, writeProfiles, type SecureMaterial } from './secure.js';

export interface UpOptions extends StackOptions {
  paths: StackPaths;
  /** How long the processes may take to serve, after the jars are resolved. */
  timeoutMs: number;
  onProgress?: (text: string) => void;
}

export interface UpResult {
  state: StackState;
  alreadyRunning: boolean;
  elapsedMs: number;
}

const JVM_FLAGS = [
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

export function runningProcesses(state: StackState): ProcessState[] {
  return state.processes.filter((p) => isOurs(p.pid, p.marker));
}

export async function up(options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const { runDir, cacheDir } = options.paths;
  const existing = readState(runDir);
  let reuseData = false;
  if (existing) {
    const alive = runningProcesses(existing);
    if (alive.length === existing.processes.length && existing.status === 'running') {
      if (sameShape(existing, options)) return { state: existing, alreadyRunning: true, elapsedMs: Date.now() - started };
      throw new KtoolError('STACK_RUNNING', `a different stack already runs from ${runDir} (${describeStack(existing)} at ${existing.bootstrap})`, {
        exitCode: EXIT.usage,
        hint: 'stop it first with `kstack down`, or give this one its own KSTACK_RUN_DIR and --port',
      });
    }
    // Some processes died, or `down --keep` left the data: stop what is left, then restart on the same data if the shape matches.
    for (const p of alive) await stopProcess(p.pid, p.marker, 15_000);
    reuseData = existing.status === 'kept' && sameShape(existing, options);
    if (existing.status === 'kept' && !reuseData) {
      throw new KtoolError('STACK_KEPT', `${runDir} holds kept data of another stack (${describeStack(existing)})`, {
        exitCode: EXIT.usage,
        hint: 'start it with the same flags, or remove its data with `kstack down`',
      });
    }
    if (!reuseData) removeStack(runDir);
  }

  requireProgram(javaBin(), ['-version'], 'Java', 'install Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless), or set JAVA_HOME');
  const plan = planStack(options, runDir);
  await assertPortsFree(plan.ports, plan.host);
  const jars = await ensureJars(options.kafka, cacheDir, () => progress(`resolving Kafka ${options.kafka.version} jars from Maven Central (first time only)`));
  const classpath = join(jars, '*');

  if (plan.secure) progress('creating certificates and users');
  const security = plan.secure ? ((reuseData ? loadSecurity(runDir) : undefined) ?? (await generateSecurity(runDir, plan.host))) : undefined;
  const logging = writeConfigs(plan, security);
  const clusterId = reuseData && existing?.clusterId ? existing.clusterId : newClusterId(randomBytes);
  if (plan.mode === 'kraft' && !reuseData) {
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
      const p = launch(plan, zk, classpath, logging.jvmFlag, 'org.apache.zookeeper.server.quorum.QuorumPeerMain');
      state.processes.push(p);
      writeState(state);
      await waitForLogLine(zk.logFile, readyLine(plan, zk), { pid: p.pid, marker: p.marker, name: 'ZooKeeper' }, deadline);
    }
    progress(`starting ${describeShape(state)}`);
    const launched = brokers(plan).map((node) => ({ node, proc: launch(plan, node, classpath, logging.jvmFlag, 'kafka.Kafka') }));
    state.processes.push(...launched.map((l) => l.proc));
    writeState(state);
    await Promise.all(
      launched.map(({ node, proc }) => waitForLogLine(node.logFile, readyLine(plan, node), { pid: proc.pid, marker: proc.marker, name: `broker ${node.id}` }, deadline)),
    );
    progress('waiting for metadata from a client');
    await awaitMetadata(plan, deadline);
  } catch (e) {
    await stopAll(state, 10_000);
    removeStack(runDir);
    throw e;
  }
  return { state, alreadyRunning: false, elapsedMs: Date.now() - started };
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

function launch(plan: StackPlan, node: NodePlan, classpath: string, loggingFlags: string[], mainClass: string): ProcessState {
  const heap = [`-Xmx${plan.heap}`, '-Xms128m'];
  const pid = spawnDetached(javaBin(), [...heap, ...JVM_FLAGS, ...loggingFlags, '-cp', classpath, mainClass, node.configFile], node.logFile, node.dir);
  return {
    role: node.role,
    id: node.id,
    port: node.port,
    ...(node.controllerPort === undefined ? {} : { controllerPort: node.controllerPort }),
    pid,
    marker: node.configFile,
    logFile: node.logFile,
  };
}

/** Ready means a client gets metadata listing every broker, not just a log line. */
async function awaitMetadata(plan: StackPlan, deadline: number): Promise<void> {
  const want = plan.brokers;
  let seen = 0;
  while (Date.now() < deadline) {
    const left = Math.max(1_000, deadline - Date.now());
    try {
      const { brokers: listed } = await describeBrokers({ brokers: plan.bootstrap.split(','), timeoutMs: Math.min(left, 5_000) });
      seen = listed.length;
      if (seen >= want) return;
    } catch {
      // not serving yet; try again until the deadline
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new KtoolError('START_TIMEOUT', `the brokers started but metadata listed ${seen} of ${want} brokers in time`, {
    exitCode: EXIT.unreachable,
    hint: 'allow more time with --timeout MS, or read the broker logs named by `kstack status`',
  });
}

async function stopAll(state: StackState, timeoutMs: number): Promise<Array<ProcessState & { outcome: string }>> {
  // Brokers first (together, so a KRaft quorum shuts down as one), ZooKeeper last.
  const order: Array<ProcessState['role']> = ['broker', 'zookeeper'];
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
  processes: Array<ProcessState & { running: boolean }>;
}

export function status(options: { paths: StackPaths }): StatusResult {
  const state = readState(options.paths.runDir);
  if (!state) return { running: false, processes: [] };
  const processes = state.processes.map((p) => ({ ...p, running: isOurs(p.pid, p.marker) }));
  const running = state.status === 'running' && processes.length > 0 && processes.every((p) => p.running);
  return { state, running, processes };
}
