// kstack's actions: call the provider, then print data to stdout and progress to stderr.
import { EXIT, KtoolError } from '../errors.js';
import { err, out, type Io } from '../io.js';
import { paint, progress } from '../cli/style.js';
import { chooseProvider, describeShape, describeStack } from './index.js';
import { ensureJars, cachedJars } from './maven.js';
import { stackPaths, type StackPaths } from './paths.js';
import { describeOverrides, parseBrokerOverrides } from './overrides.js';
import { MAX_BROKERS, portSpan, type StackMode } from './plan.js';
import { DEFAULT_HOST, KAFKA_VERSIONS, findKafkaVersion, type KafkaVersion } from './versions.js';
import { stateOverrides, type StackState } from './state.js';

export interface UpCommandOptions {
  brokers: number;
  zookeeper: boolean;
  kafka: string;
  port: number;
  heap: string;
  /** `--config name=value` arguments as given, in order. */
  config: string[];
  timeoutMs: number;
  json: boolean;
}

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
const brokersLine = (s: StackState) => `KAFKA_BROKERS=${s.bootstrap}`;

export async function upCommand(io: Io, o: UpCommandOptions, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  const kafka = resolveKafka(o.kafka);
  const mode: StackMode = o.zookeeper ? 'zookeeper' : 'kraft';
  if (mode === 'zookeeper' && !kafka.zookeeper) {
    throw new KtoolError('USAGE', `Kafka ${kafka.version} has no ZooKeeper mode`, { exitCode: EXIT.usage, hint: 'use --zookeeper with --kafka 3.9, or drop --zookeeper' });
  }
  if (o.brokers > MAX_BROKERS) throw new KtoolError('USAGE', `at most ${MAX_BROKERS} brokers`, { exitCode: EXIT.usage });
  const lastPort = o.port + portSpan(o.brokers, mode) - 1;
  if (lastPort > 65_535) {
    throw new KtoolError('USAGE', `--port ${o.port} leaves no room: this stack needs ports ${o.port}-${lastPort}`, { exitCode: EXIT.usage, hint: `choose --port ${65_535 - portSpan(o.brokers, mode) + 1} or lower` });
  }
  const config = parseBrokerOverrides(o.config);
  const spinner = progress(io, 'starting Kafka');
  try {
    const result = await chooseProvider().up({
      brokers: o.brokers,
      mode,
      kafka,
      host: DEFAULT_HOST,
      basePort: o.port,
      heap: o.heap,
      config,
      timeoutMs: o.timeoutMs,
      paths,
      onProgress: (t) => spinner.update(t),
    });
    const s = result.state;
    const seconds = (result.elapsedMs / 1000).toFixed(1);
    if (result.alreadyRunning) {
      spinner.stop();
      err(io, `kstack: already running: ${describeStack(s)} at ${s.bootstrap}`);
    } else {
      spinner.succeed(`kstack: started ${describeStack(s)} at ${s.bootstrap} in ${seconds} s`);
    }
    if (o.json) out(io, JSON.stringify({ ...summary(s), alreadyRunning: result.alreadyRunning, elapsedMs: result.elapsedMs }));
    out(io, brokersLine(s));
  } catch (e) {
    spinner.fail('kstack: could not start Kafka');
    throw e;
  }
}

export async function downCommand(io: Io, o: { keep: boolean; timeoutMs: number; json: boolean }, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  const spinner = progress(io, 'stopping Kafka');
  const result = await chooseProvider().down({ paths, timeoutMs: o.timeoutMs, keep: o.keep });
  spinner.stop();
  if (o.json) {
    out(io, JSON.stringify({ stopped: result.stopped.map(({ role, id, pid, outcome }) => ({ role, id, pid, outcome })), removedData: result.removedData }));
    return;
  }
  if (!result.state) return err(io, 'kstack: nothing to stop (no stack in ' + paths.runDir + ')');
  for (const p of result.stopped) err(io, `kstack: ${p.role} ${p.id} (pid ${p.pid}): ${p.outcome}`);
  err(io, result.removedData ? `kstack: stopped; data removed` : `kstack: stopped; data kept in ${paths.runDir} (kstack up restarts on it)`);
}

export function statusCommand(io: Io, o: { json: boolean }, paths: StackPaths = stackPaths(io.env)): void {
  const st = chooseProvider().status({ paths });
  if (o.json) {
    out(io, JSON.stringify({ running: st.running, ...(st.state ? summary(st.state) : {}), processes: st.processes.map(({ role, id, port, controllerPort, pid, running, logFile }) => ({ role, id, port, controllerPort, pid, running, logFile })) }));
    return;
  }
  const s = st.state;
  if (!s) return out(io, `not running (no stack in ${paths.runDir})`);
  const c = paint(io, 'stdout');
  const headline = st.running ? c.green('running') : s.status === 'kept' ? c.yellow('stopped, data kept') : c.red('degraded: some processes are not running');
  out(io, `${headline}: ${describeShape(s)}`);
  out(io, `bootstrap  ${s.bootstrap}`);
  out(io, `data dir   ${s.runDir}`);
  out(io, `started    ${s.startedAt}`);
  const config = describeOverrides(stateOverrides(s));
  if (config) out(io, `config     ${config}`);
  for (const p of st.processes) {
    const ports = p.controllerPort ? `${p.port} (controller ${p.controllerPort})` : String(p.port);
    out(io, `${p.role.padEnd(9)} ${String(p.id).padEnd(2)} port ${ports.padEnd(22)} pid ${String(p.pid).padEnd(8)} ${p.running ? c.green('up') : c.red('down')}  log ${p.logFile}`);
  }
}

/** Resolves jars ahead of time (CI, offline later); prints where they are. */
export async function fetchCommand(io: Io, o: { kafka: string[] }, paths: StackPaths = stackPaths(io.env)): Promise<void> {
  const versions = o.kafka.includes('all') ? [...KAFKA_VERSIONS] : o.kafka.map(resolveKafka);
  for (const v of versions) {
    const cached = cachedJars(v, paths.cacheDir);
    const spinner = progress(io, `resolving Kafka ${v.version} jars from Maven Central`);
    const dir = cached ?? (await ensureJars(v, paths.cacheDir));
    spinner.succeed(`kstack: Kafka ${v.version} jars ${cached ? 'already cached' : 'resolved'}`);
    out(io, `${v.version}\t${dir}`);
  }
}

function summary(s: StackState) {
  return { provider: s.provider, kafka: s.kafka, mode: s.mode, brokers: s.brokers, config: stateOverrides(s), bootstrap: s.bootstrap, runDir: s.runDir, startedAt: s.startedAt, status: s.status };
}
