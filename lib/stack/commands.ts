// kstack's actions: pick the provider, call it, then print data to stdout and progress to stderr.
import { EXIT, KtoolError } from '../errors.js';
import { err, out, type Io } from '../io.js';
import { interrupted } from '../cli/run.js';
import { paint, progress } from '../cli/style.js';
import { chooseForUp, chooseRecorded, describeShape, describeStack, machineEnvironment, providers, type ProviderRequest, type StackEnvironment } from './index.js';
import { describeDockerStack, DOCKER_CONNECT_URL, DOCKER_TIMEOUT_MS, type DockerState, type DockerStatusResult } from './docker.js';
import { startOne, stopOne, type ProcessTarget } from './local.js';
import { describeRestarts } from './recover.js';
import type { ComposeService } from './compose.js';
import { ensureJars, cachedJars } from './maven.js';
import { cachedConnectJars, checkConnectPort, defaultConnectPort, ensureConnectJars, type ConnectOptions } from './connect/index.js';
import { stackPaths, type StackPaths } from './paths.js';
import { describeOverrides, parseBrokerOverrides } from './overrides.js';
import { MAX_BROKERS, portSpan, type StackMode } from './plan.js';
import { COMPOSE_REGISTRY_URL, DEFAULT_HOST, KAFKA_VERSIONS, REGISTRY, findKafkaVersion, type KafkaVersion } from './versions.js';
import { processName, stateOverrides, type ProcessCondition, type SecureState, type ShapeRequest, type StackState } from './state.js';
import { downRegistryCommand, fetchRegistry, printRegistryStatus, registryLine, registryStatusJson, registrySummary, upRegistryCommand } from './registry-commands.js';
import type { RegistryState } from './registry.js';

export interface UpCommandOptions {
  brokers: number;
  zookeeper: boolean;
  kafka: string;
  port: number;
  heap: string;
  /** `--config name=value` arguments as given, in order. */
  config: string[];
  /** How long the stack may take to serve; by default 90 s for the local broker, 300 s for the compose stack. */
  timeoutMs?: number;
  json: boolean;
  /** `--secure`: SASL_PLAINTEXT, SSL and SASL_SSL listeners too, with generated certificates and a SASL user (local KRaft only). */
  secure?: boolean;
  /** `--connect`, `--connect-port`, `--plugin`: a Kafka Connect worker too (the compose stack always has one). */
  connect?: boolean;
  connectPort?: number;
  plugins?: string[];
  /** `--local` / `--docker`; kstack decides when absent. */
  provider?: ProviderRequest;
  /** The local-broker flags given on the command line (`brokers`, `port`, ...): they pick the local broker, and only they must match a recorded stack. */
  localFlags?: string[];
  /** `--fresh`: remove the recorded stack and its data, then start a new one. */
  fresh?: boolean;
  /** `--registry`: a Schema Registry too (local: Apicurio on Java 21+ at registryPort; docker: the compose stack's). */
  registry?: boolean;
  registryPort?: number;
}

/** Which part of the recorded shape each local flag asks for (`--heap` is not part of it). */
const FLAG_SHAPE: Record<string, keyof ShapeRequest | undefined> = { brokers: 'brokers', zookeeper: 'mode', kafka: 'kafka', port: 'basePort', config: 'config', secure: 'secure', connect: 'connect', connectPort: 'connect', plugin: 'connect' };

/** Flags only the local broker has: the compose stack's shape is its compose file. */
export const LOCAL_ONLY_FLAGS = ['brokers', 'zookeeper', 'kafka', 'port', 'heap', 'config', 'secure', 'connectPort', 'plugin', 'registryPort'] as const;
const LOCAL_TIMEOUT_MS = 90_000;

export function resolveKafka(name: string): KafkaVersion {
  const v = findKafkaVersion(name);
  if (!v) {
    throw new KtoolError('USAGE', `unknown Kafka version "${name}"`, {
      exitCode: EXIT.usage,
      hint: `choose one of ${KAFKA_VERSIONS.map((k) => `${k.line} (${k.version})`).join(', ')}`,
    });
  }
  return v;
}

/** The line scripts read: `eval "$(kstack up | tail -1)"` or `grep KAFKA_BROKERS`. */
const brokersLine = (s: { bootstrap: string }) => `KAFKA_BROKERS=${s.bootstrap}`;

export async function upCommand(io: Io, o: UpCommandOptions, paths: StackPaths = stackPaths(io.env), machine: StackEnvironment = machineEnvironment(io.env)): Promise<void> {
  const kafka = resolveKafka(o.kafka);
  const mode: StackMode = o.zookeeper ? 'zookeeper' : 'kraft';
  if (mode === 'zookeeper' && !kafka.zookeeper) {
    throw new KtoolError('USAGE', `Kafka ${kafka.version} has no ZooKeeper mode`, { exitCode: EXIT.usage, hint: 'use --zookeeper with --kafka 3.9, or drop --zookeeper' });
  }
  if (o.brokers > MAX_BROKERS) throw new KtoolError('USAGE', `at most ${MAX_BROKERS} brokers`, { exitCode: EXIT.usage });
  const secure = o.secure === true;
  if (secure && mode === 'zookeeper') {
    throw new KtoolError('USAGE', '--secure runs on KRaft only (its SCRAM users are created when the storage is formatted)', { exitCode: EXIT.usage, hint: 'drop --zookeeper, or drop --secure' });
  }
  const span = portSpan(o.brokers, mode, secure);
  const lastPort = o.port + span - 1;
  if (lastPort > 65_535) {
    throw new KtoolError('USAGE', `--port ${o.port} leaves no room: this stack needs ports ${o.port}-${lastPort}`, { exitCode: EXIT.usage, hint: `choose --port ${65_535 - span + 1} or lower` });
  }
  const config = parseBrokerOverrides(o.config);
  const connect = connectOptions(o);
  const choice = await chooseForUp(o.provider ?? 'auto', machine, paths, o.localFlags);
  if (choice.note) err(io, paint(io).dim(`kstack: ${choice.note}`));
  if (choice.name === 'docker') return upDocker(io, o, paths, machine);
  const spinner = progress(io, 'starting Kafka');
  let result;
  try {
    result = await providers(machine).local.up({
      brokers: o.brokers,
      mode,
      kafka,
      host: DEFAULT_HOST,
      basePort: o.port,
      heap: o.heap,
      config,
      ...(secure ? { secure } : {}),
      ...(connect ? { connect } : {}),
      timeoutMs: o.timeoutMs ?? LOCAL_TIMEOUT_MS,
      paths,
      onProgress: (t) => spinner.update(t),
      // --connect asks for a worker (it does not pick the local provider: the compose stack has one too).
      given: [...(o.localFlags ?? []), ...(o.connect ? ['connect'] : [])].flatMap((f) => FLAG_SHAPE[f] ?? []),
      ...(o.fresh ? { fresh: true } : {}),
    });
    const s = result.state;
    const seconds = (result.elapsedMs / 1000).toFixed(1);
    if (result.alreadyRunning) {
      spinner.stop();
      err(io, `kstack: already running: ${describeStack(s)} at ${s.bootstrap}`);
    } else if (result.restarted.length) {
      spinner.succeed(`kstack: restarted ${describeRestarts(result.restarted)} on its data; ${describeStack(s)} at ${s.bootstrap} in ${seconds} s`);
    } else {
      if (result.removedData) err(io, 'kstack: --fresh: removed the recorded stack and its data');
      spinner.succeed(`kstack: started ${describeStack(s)} at ${s.bootstrap} in ${seconds} s`);
    }
    if (s.secure) for (const line of secureLines(s.secure)) err(io, `kstack: ${line}`);
    if (s.connect) err(io, `kstack: Kafka Connect at ${s.connect.url}${s.connect.plugins.length ? ` (plugins ${s.connect.plugins.join(', ')})` : ''}; try \`kconnect plugins\``);
  } catch (e) {
    spinner.fail('kstack: could not start Kafka');
    throw e;
  }
  const s = result.state;
  const registry: RegistryState | undefined = o.registry ? await upRegistryCommand(io, { host: DEFAULT_HOST, port: o.registryPort ?? REGISTRY.defaultPort, timeoutMs: o.timeoutMs ?? LOCAL_TIMEOUT_MS }, paths) : undefined;
  if (o.json) {
    const restarted = result.restarted.map((r) => ({ role: r.process.role, id: r.process.id, was: r.was, pid: s.processes.find((p) => p.role === r.process.role && p.id === r.process.id)?.pid }));
    out(io, JSON.stringify({ ...summary(s), ...(registry ? { registry: registrySummary(registry) } : {}), alreadyRunning: result.alreadyRunning, restarted, removedData: result.removedData, elapsedMs: result.elapsedMs }));
  }
  if (registry) out(io, registryLine(registry.url));
  out(io, brokersLine(s));
}

async function upDocker(io: Io, o: UpCommandOptions, paths: StackPaths, machine: StackEnvironment): Promise<void> {
  const spinner = progress(io, 'starting the compose stack');
  try {
    const result = await providers(machine).docker.up({ paths, timeoutMs: o.timeoutMs ?? DOCKER_TIMEOUT_MS, onProgress: (t) => spinner.update(t) });
    const s = result.state;
    if (result.alreadyRunning) {
      spinner.stop();
      err(io, `kstack: already running: ${describeDockerStack()}`);
    } else {
      spinner.succeed(`kstack: started ${describeDockerStack()} in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    }
    err(io, `kstack: Kafka at ${s.bootstrap}, Control Center at ${s.controlCenter}, Kafka Connect at ${DOCKER_CONNECT_URL}, Schema Registry at ${COMPOSE_REGISTRY_URL}`);
    if (o.json) out(io, JSON.stringify({ ...dockerSummary(s), alreadyRunning: result.alreadyRunning, elapsedMs: result.elapsedMs }));
    if (o.registry) out(io, registryLine(COMPOSE_REGISTRY_URL));
    out(io, brokersLine(s));
  } catch (e) {
    spinner.fail('kstack: could not start the compose stack');
    throw e;
  }
}

export interface DownCommandOptions {
  keep: boolean;
  timeoutMs: number;
  json: boolean;
  provider?: ProviderRequest;
}

export async function downCommand(io: Io, o: DownCommandOptions, paths: StackPaths = stackPaths(io.env), machine: StackEnvironment = machineEnvironment(io.env)): Promise<void> {
  if (chooseRecorded(o.provider ?? 'auto', paths.runDir) === 'docker') return downDocker(io, o, paths, machine);
  const spinner = progress(io, 'stopping Kafka');
  // The registry keeps its schemas in memory: nothing to keep, so --keep stops it too.
  const registry = await downRegistryCommand(io, paths, o.timeoutMs, o.json);
  const result = await providers(machine).local.down({ paths, timeoutMs: o.timeoutMs, keep: o.keep });
  spinner.stop();
  if (o.json) {
    out(io, JSON.stringify({ provider: 'local', stopped: [...(registry ? [registry] : []), ...result.stopped.map(({ role, id, pid, outcome }) => ({ role, id, pid, outcome }))], removedData: result.removedData }));
    return;
  }
  if (!result.state) return err(io, registry ? 'kstack: no broker to stop' : 'kstack: nothing to stop (no stack in ' + paths.runDir + ')');
  for (const p of result.stopped) err(io, `kstack: ${p.role} ${p.id} (pid ${p.pid}): ${p.outcome}`);
  err(io, result.removedData ? `kstack: stopped; data removed` : `kstack: stopped; data kept in ${paths.runDir} (kstack up restarts on it)`);
}

async function downDocker(io: Io, o: DownCommandOptions, paths: StackPaths, machine: StackEnvironment): Promise<void> {
  const spinner = progress(io, o.keep ? 'docker compose stop' : 'docker compose down -v');
  let result;
  try {
    result = await providers(machine).docker.down({ paths, timeoutMs: o.timeoutMs, keep: o.keep });
  } finally {
    spinner.stop();
  }
  if (o.json) {
    out(io, JSON.stringify({ provider: 'docker', stopped: result.services.map(serviceSummary), removedData: result.removedData }));
    return;
  }
  if (!result.state && result.services.length === 0) return err(io, 'kstack: nothing to stop (no compose stack runs)');
  for (const s of result.services) err(io, `kstack: ${s.service} (${s.name}): ${s.state === 'running' ? 'stopped' : s.state}`);
  err(io, result.removedData ? 'kstack: compose stack removed, with its volumes' : 'kstack: compose stack stopped; containers and volumes kept (kstack up starts them again)');
}

export async function statusCommand(io: Io, o: { json: boolean; provider?: ProviderRequest }, paths: StackPaths = stackPaths(io.env), machine: StackEnvironment = machineEnvironment(io.env)): Promise<void> {
  if (chooseRecorded(o.provider ?? 'auto', paths.runDir) === 'docker') return statusDocker(io, o, await providers(machine).docker.status({ paths }));
  const st = providers(machine).local.status({ paths });
  if (o.json) {
    out(io, JSON.stringify({ running: st.running, ...(st.state ? summary(st.state) : {}), processes: st.processes.map(({ role, id, port, controllerPort, pid, running, condition, stopped, logFile }) => ({ role, id, port, controllerPort, pid, running, state: condition, ...(stopped ? { stopped } : {}), logFile })), ...registryStatusJson(paths) }));
    return;
  }
  const s = st.state;
  if (!s) {
    out(io, `not running (no stack in ${paths.runDir})`);
    return printRegistryStatus(io, paths);
  }
  const c = paint(io, 'stdout');
  const crashed = st.processes.filter((p) => p.condition === 'down');
  const held = st.processes.filter((p) => p.condition === 'stopped');
  const headline = st.running
    ? c.green('running')
    : s.status === 'kept'
      ? c.yellow('stopped, data kept')
      : crashed.length
        ? c.red('degraded: some processes are not running (kstack up restarts them)')
        : c.yellow(`degraded: ${held.map(processName).join(', ')} stopped by kstack stop (kstack start or kstack up restarts ${held.length === 1 ? 'it' : 'them'})`);
  out(io, `${headline}: ${describeShape(s)}`);
  out(io, `bootstrap  ${s.bootstrap}`);
  out(io, `data dir   ${s.runDir}`);
  out(io, `started    ${s.startedAt}`);
  const config = describeOverrides(stateOverrides(s));
  if (config) out(io, `config     ${config}`);
  if (s.secure) for (const line of secureLines(s.secure)) out(io, `secure     ${line.trim()}`);
  if (s.connect) out(io, `connect    ${s.connect.url}${s.connect.plugins.length ? `  plugins ${s.connect.plugins.join(', ')}` : ''}`);
  for (const p of st.processes) {
    const ports = p.controllerPort ? `${p.port} (controller ${p.controllerPort})` : String(p.port);
    out(io, `${p.role.padEnd(9)} ${String(p.id).padEnd(2)} port ${ports.padEnd(22)} pid ${String(p.pid).padEnd(8)} ${CONDITION_COLOUR[p.condition](c)(p.condition.padEnd(7))} log ${p.logFile}`);
  }
  printRegistryStatus(io, paths);
}

const CONDITION_COLOUR: Record<ProcessCondition, (c: ReturnType<typeof paint>) => (t: string) => string> = { up: (c) => c.green, stopped: (c) => c.yellow, down: (c) => c.red };

function statusDocker(io: Io, o: { json: boolean }, st: DockerStatusResult): void {
  if (o.json) {
    out(io, JSON.stringify({ running: st.running, provider: 'docker', ...(st.state ? dockerSummary(st.state) : {}), services: st.services.map(serviceSummary), ...(st.missing ? { missing: st.missing } : {}), ...(st.problem ? { problem: st.problem } : {}) }));
    return;
  }
  const c = paint(io, 'stdout');
  const s = st.state;
  if (st.problem) out(io, `${c.red('unknown')}: ${st.problem}`);
  else if (st.services.length === 0) out(io, `not running (no compose stack${s ? `; ${s.runDir} records one: kstack down forgets it` : ''})`);
  else {
    const headline = st.running ? c.green('running') : s?.status === 'kept' ? c.yellow('stopped, containers and volumes kept') : c.red('degraded: some services are not running or not healthy');
    out(io, `${headline}: ${describeDockerStack()}`);
  }
  if (s) {
    out(io, `bootstrap       ${s.bootstrap}`);
    out(io, `control center  ${s.controlCenter}`);
    out(io, `compose file    ${s.composeFile} (${s.compose.standalone ? 'docker-compose' : 'docker compose'} ${s.compose.version})`);
    out(io, `started         ${s.startedAt}`);
  }
  if (st.services.length === 0) return;
  const width = Math.max(...st.services.map((x) => x.service.length), 7);
  const nameWidth = Math.max(...st.services.map((x) => x.name.length), 9);
  for (const x of st.services) {
    const state = x.state === 'running' ? c.green(x.state) : x.state === 'exited' && x.exitCode === 0 ? x.state : c.red(x.state);
    const health = x.health === 'healthy' ? c.green(x.health) : x.health ? c.red(x.health) : '-';
    out(io, `${x.service.padEnd(width)}  ${x.name.padEnd(nameWidth)}  ${state}${x.state === 'exited' ? ` (${x.exitCode})` : ''}  ${health}  ${x.ports.length ? `ports ${x.ports.join(',')}` : ''}`.trimEnd());
  }
  if (st.missing) out(io, `${c.red('not created')}: ${st.missing.join(', ')}`);
}

export interface LogsCommandOptions {
  /** A compose service (kafka), or a local node (broker-1, zookeeper; kafka for every broker); every one when absent. */
  service?: string;
  lines: number;
  follow: boolean;
  provider?: ProviderRequest;
  signal?: AbortSignal;
}

/** Logs are data: they go to stdout (`kstack logs kafka | grep ERROR`); Ctrl-C while following exits 130. */
export async function logsCommand(io: Io, o: LogsCommandOptions, paths: StackPaths = stackPaths(io.env), machine: StackEnvironment = machineEnvironment(io.env)): Promise<void> {
  const name = chooseRecorded(o.provider ?? 'auto', paths.runDir);
  const write = (chunk: Buffer | string, stream: 'stdout' | 'stderr') => void (stream === 'stderr' ? io.stderr : io.stdout).write(chunk);
  await providers(machine)[name].logs({ paths, ...(o.service ? { service: o.service } : {}), lines: o.lines, follow: o.follow, write, ...(o.signal ? { signal: o.signal } : {}) });
  if (o.signal?.aborted) throw interrupted('kstack logs');
}

/** `kstack stop --broker N` / `kstack start --broker N` act on the local stack only: the compose stack has `docker compose stop`. */
function requireLocal(paths: StackPaths, verb: string): void {
  if (chooseRecorded('auto', paths.runDir) === 'docker') {
    throw new KtoolError('USAGE', `kstack ${verb} acts on a local stack, and ${paths.runDir} records the Docker compose stack`, { exitCode: EXIT.usage, hint: `use \`docker compose ${verb} kafka\`` });
  }
}

export interface StopCommandOptions {
  target: ProcessTarget;
  /** SIGKILL at once, as a crash; else SIGTERM, then SIGKILL after timeoutMs. */
  kill: boolean;
  timeoutMs: number;
  json: boolean;
}

export async function stopCommand(io: Io, o: StopCommandOptions, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  requireLocal(paths, 'stop');
  const spinner = progress(io, `stopping ${processName(o.target)}`);
  let result;
  try {
    result = await stopOne({ paths, target: o.target, kill: o.kill, timeoutMs: o.timeoutMs });
  } finally {
    spinner.stop();
  }
  const p = result.process;
  if (o.json) return out(io, JSON.stringify({ role: p.role, id: p.id, pid: p.pid, outcome: result.outcome }));
  const what = { stopped: 'stopped', killed: 'killed (SIGKILL)', 'not-running': 'was not running' }[result.outcome];
  err(io, `kstack: ${processName(p)} (pid ${p.pid}) ${what}; its data is kept (kstack start --${p.role} ${p.id} brings it back)`);
}

export interface StartCommandOptions {
  target: ProcessTarget;
  /** How long the process may take to serve again. */
  timeoutMs?: number;
  json: boolean;
}

export async function startCommand(io: Io, o: StartCommandOptions, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  requireLocal(paths, 'start');
  const spinner = progress(io, `starting ${processName(o.target)}`);
  try {
    const result = await startOne({ paths, target: o.target, timeoutMs: o.timeoutMs ?? LOCAL_TIMEOUT_MS, onProgress: (t) => spinner.update(t) });
    const p = result.process;
    if (result.alreadyRunning) {
      spinner.stop();
      err(io, `kstack: ${processName(p)} (pid ${p.pid}) already runs`);
    } else spinner.succeed(`kstack: started ${processName(p)} (pid ${p.pid}) on its data in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    if (o.json) out(io, JSON.stringify({ role: p.role, id: p.id, pid: p.pid, alreadyRunning: result.alreadyRunning, elapsedMs: result.elapsedMs }));
  } catch (e) {
    spinner.fail(`kstack: could not start ${processName(o.target)}`);
    throw e;
  }
}

/** `--connect` (with `--connect-port`, `--plugin`) as the local provider's options; a plugin without --connect is a usage error. */
function connectOptions(o: UpCommandOptions): ConnectOptions | undefined {
  const plugins = o.plugins ?? [];
  if (!o.connect) {
    if (plugins.length || o.connectPort !== undefined) throw new KtoolError('USAGE', `${plugins.length ? '--plugin' : '--connect-port'} needs --connect`, { exitCode: EXIT.usage, hint: 'add --connect to start a Kafka Connect worker' });
    return undefined;
  }
  const port = o.connectPort ?? defaultConnectPort(o.port);
  checkConnectPort(port);
  return { port, plugins: [...new Set(plugins)] };
}

/** Resolves jars ahead of time (CI, offline later); prints where they are. */
export async function fetchCommand(io: Io, o: { kafka: string[]; connect?: boolean; plugins?: string[]; registry?: boolean }, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  if (o.registry) await fetchRegistry(io, paths);
  const versions = o.kafka.includes('all') ? [...KAFKA_VERSIONS] : o.kafka.map(resolveKafka);
  for (const v of versions) {
    const cached = cachedJars(v, paths.cacheDir);
    const spinner = progress(io, `resolving Kafka ${v.version} jars from Maven Central`);
    const dir = cached ?? (await ensureJars(v, paths.cacheDir));
    spinner.succeed(`kstack: Kafka ${v.version} jars ${cached ? 'already cached' : 'resolved'}`);
    out(io, `${v.version}\t${dir}`);
    if (!o.connect && !o.plugins?.length) continue;
    const hit = cachedConnectJars(v, o.plugins ?? [], paths.cacheDir);
    const what = `Kafka Connect ${v.version}${o.plugins?.length ? ` and ${o.plugins.join(', ')}` : ''}`;
    const cs = progress(io, `resolving ${what} from Maven Central`);
    const jars = hit ?? (await ensureConnectJars(v, o.plugins ?? [], paths.cacheDir, (t) => cs.update(t)));
    cs.succeed(`kstack: ${what} jars ${hit ? 'already cached' : 'resolved'}`);
    out(io, `connect-${v.version}\t${jars.libs}`);
    for (const d of jars.pluginPath) out(io, `plugin\t${d}`);
  }
}

function serviceSummary({ service, name, state, health, exitCode, ports }: ComposeService) {
  return { service, name, state, health, exitCode, ports };
}

function dockerSummary(s: DockerState) {
  return { provider: s.provider, kafka: s.kafka, bootstrap: s.bootstrap, controlCenter: s.controlCenter, composeFile: s.composeFile, compose: s.compose, runDir: s.runDir, startedAt: s.startedAt, status: s.status };
}

function summary(s: StackState) {
  return { provider: s.provider, kafka: s.kafka, mode: s.mode, brokers: s.brokers, config: stateOverrides(s), bootstrap: s.bootstrap, ...(s.secure ? { secure: s.secure } : {}), ...(s.connect ? { connect: s.connect } : {}), runDir: s.runDir, startedAt: s.startedAt, status: s.status };
}

/** How to reach a --secure stack: listeners, files, and a ready profile. The password is named by its file, never shown. */
export function secureLines(x: SecureState): string[] {
  return [
    `SASL_PLAINTEXT ${x.listeners.saslPlaintext}  SSL ${x.listeners.ssl}  SASL_SSL ${x.listeners.saslSsl}`,
    `user ${x.user} (${x.mechanisms.join(', ')}), password in ${x.passwordFile}`,
    `CA ${x.caFile}; client certificate ${x.clientCert}, key ${x.clientKey}`,
    `profiles kstack-sasl, kstack-ssl, kstack-sasl-ssl in ${x.configFile}:`,
    `  KTOOL_CONFIG=${x.configFile} kproduce --profile kstack-sasl-ssl teste hello`,
  ];
}
