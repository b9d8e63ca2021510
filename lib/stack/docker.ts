// The Docker provider: the repository's compose stack (ZooKeeper, Kafka, Control Center), run by Docker Compose v2.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError, usageError } from '../errors.js';
import { bounded, stackRunning, type ComposeCli, type ComposeRunner, type ComposeService, type DockerCheck } from './compose.js';
import { packageRoot, type StackPaths } from './paths.js';
import { isPortFree } from './ports.js';
import { COMPOSE, DEFAULT_CONNECT_PORT, DEFAULT_HOST, DEFAULT_KAFKA_LINE, DEFAULT_PORT } from './versions.js';
import type { LocalLogsOptions } from './logs.js';

/** Host clients reach the compose stack's Kafka here (its advertised host listener). */
export const DOCKER_BOOTSTRAP = `localhost:${DEFAULT_PORT}`;
export const CONTROL_CENTER_URL = `http://localhost:${COMPOSE.controlCenterPort}`;
export const DOCKER_CONNECT_URL = `http://localhost:${DEFAULT_CONNECT_PORT}`;
/** Control Center alone takes a minute or two to report healthy; the local broker's 90 s would be too short. */
export const DOCKER_TIMEOUT_MS = 300_000;

export function composeFile(): string {
  return join(packageRoot(), COMPOSE.file);
}

/** What `kstack up --docker` records in the run directory, so down, status and logs know the stack is Docker's. */
export interface DockerState {
  provider: 'docker';
  /** Confluent Platform tag and the Apache Kafka line it carries. */
  kafka: string;
  composeFile: string;
  compose: ComposeCli;
  bootstrap: string;
  controlCenter: string;
  runDir: string;
  /** running: `up` was asked for; kept: stopped by `down --keep`, containers and volumes still there. */
  status: 'running' | 'kept';
  startedAt: string;
}

export const dockerStateFile = (runDir: string) => join(runDir, 'docker.json');

export function readDockerState(runDir: string): DockerState | undefined {
  const file = dockerStateFile(runDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DockerState) : undefined;
}

function writeDockerState(state: DockerState): void {
  mkdirSync(state.runDir, { recursive: true });
  const file = dockerStateFile(state.runDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export const describeDockerStack = () => `the compose stack (Confluent Platform ${COMPOSE.confluentTag}: Kafka ${DEFAULT_KAFKA_LINE} with ZooKeeper, Control Center)`;

/** The error for a Docker that is not there: for `up --docker` the hint also names the local broker; for down/logs only Docker. */
export function dockerUnavailable(check: Extract<DockerCheck, { ok: false }>, offerLocal = false): KtoolError {
  return new KtoolError('DOCKER_UNAVAILABLE', `Docker is not available: ${check.reason}`, {
    exitCode: EXIT.environment,
    hint: offerLocal ? `${check.hint}; or run Kafka on this machine's JVM with \`kstack up --local\` (Java 17 and Maven)` : check.hint,
  });
}

/** How the provider reaches Docker: a (cached) probe and a runner factory, both replaced in tests. */
export interface DockerDeps {
  probe(): Promise<DockerCheck>;
  runner(cli: ComposeCli, file: string): ComposeRunner;
  /** Whether a host port is free before the stack publishes it; the real check by default. */
  portFree?: (port: number) => Promise<boolean>;
}

export interface DockerUpOptions {
  paths: StackPaths;
  /** How long the services may take to become healthy (`--wait-timeout`); image pulls and the app build are not counted. */
  timeoutMs: number;
  onProgress?: (text: string) => void;
}

export interface DockerUpResult {
  state: DockerState;
  alreadyRunning: boolean;
  elapsedMs: number;
}

export interface DockerDownResult {
  state?: DockerState;
  /** The containers listed before they were stopped. */
  services: ComposeService[];
  removedData: boolean;
}

export interface DockerStatusResult {
  state?: DockerState;
  running: boolean;
  services: ComposeService[];
  /** Why the services could not be listed (no engine), if so. */
  problem?: string;
  /** Services of the compose file without a container, when some have one. */
  missing?: string[];
}

/** The same options as the local provider's logs, less its file-polling interval. */
export type DockerLogsOptions = Omit<LocalLogsOptions, 'pollMs'>;

async function connect(deps: DockerDeps): Promise<{ runner: ComposeRunner; cli: ComposeCli; file: string }> {
  const check = await deps.probe();
  if (!check.ok) throw dockerUnavailable(check);
  return { runner: deps.runner(check.compose, check.file), cli: check.compose, file: check.file };
}

const PS_TIMEOUT_MS = 20_000;

export async function up(o: DockerUpOptions, deps: DockerDeps): Promise<DockerUpResult> {
  const started = Date.now();
  const progress = o.onProgress ?? (() => {});
  const { runner, cli, file } = await connect(deps);
  const [before, expected] = await bounded(Promise.all([runner.ps(), runner.services()]), PS_TIMEOUT_MS, 'docker compose ps');
  const alreadyRunning = stackRunning(before, expected);
  if (!before.some((s) => s.state === 'running')) await assertHostPortsFree([DEFAULT_PORT, COMPOSE.controlCenterPort, DEFAULT_CONNECT_PORT], deps.portFree ?? ((port) => isPortFree(port, DEFAULT_HOST)));
  const previous = readDockerState(o.paths.runDir);
  const state: DockerState = {
    provider: 'docker',
    kafka: `Confluent Platform ${COMPOSE.confluentTag} (Kafka ${DEFAULT_KAFKA_LINE})`,
    composeFile: file,
    compose: cli,
    bootstrap: DOCKER_BOOTSTRAP,
    controlCenter: CONTROL_CENTER_URL,
    runDir: o.paths.runDir,
    status: 'running',
    startedAt: alreadyRunning && previous ? previous.startedAt : new Date().toISOString(),
  };
  // Recorded before `up`, so `kstack logs` and `kstack down` reach a stack whose start failed or was interrupted.
  writeDockerState(state);
  if (alreadyRunning) return { state, alreadyRunning, elapsedMs: Date.now() - started };
  progress('docker compose up (the first start pulls the images)');
  const waitTimeoutS = Math.max(1, Math.ceil(o.timeoutMs / 1000));
  const upStarted = Date.now();
  // Compose reports each container's progress on stderr ("Container repo-kafka-1  Healthy"): its last line goes on the spinner.
  const onOutput = (text: string) => {
    const line = lastLine(text);
    if (line) progress(`docker compose: ${line}`);
  };
  try {
    await runner.up({ waitTimeoutS, onOutput });
  } catch (e) {
    const timedOut = Date.now() - upStarted >= waitTimeoutS * 1000;
    const message = e instanceof Error ? e.message : String(e);
    // Compose creates the containers only once every image is there: none means an image could not be pulled or built
    // (seen against podman's API on a machine without registry access), and then there are no logs to read.
    const created = timedOut || (await bounded(runner.ps(), PS_TIMEOUT_MS, 'docker compose ps').then((s) => s.length > 0, () => true));
    throw new KtoolError(timedOut ? 'START_TIMEOUT' : 'START_FAILED', timedOut ? `the compose stack was not healthy within ${waitTimeoutS} s: ${message}` : message, {
      exitCode: timedOut ? EXIT.unreachable : e instanceof KtoolError ? e.exitCode : EXIT.failed,
      hint: created
        ? `${timedOut ? 'allow more time with --timeout MS; ' : ''}\`kstack logs\` shows what the services printed, \`kstack down\` removes them`
        : 'no container was created, so `kstack logs` has nothing to show: an image could not be pulled or built (the output above says which); check that the engine reaches its registry (`docker compose pull`), or run Kafka on the JVM with `kstack up --local`; `kstack down` forgets this stack',
      cause: e,
    });
  }
  return { state, alreadyRunning: false, elapsedMs: Date.now() - started };
}

async function assertHostPortsFree(ports: number[], portFree: (port: number) => Promise<boolean>): Promise<void> {
  for (const port of ports) {
    if (!(await portFree(port))) {
      throw new KtoolError('PORT_TAKEN', `port ${port} on ${DEFAULT_HOST} is already in use, and the compose stack publishes it`, {
        exitCode: EXIT.environment,
        hint: 'stop whatever listens there (a broker from `kstack up --local`? `kstack down` stops it), or start a local broker on other ports with `kstack up --local --port N`',
      });
    }
  }
}

export async function down(o: { paths: StackPaths; timeoutMs: number; keep: boolean }, deps: DockerDeps): Promise<DockerDownResult> {
  const state = readDockerState(o.paths.runDir);
  const { runner } = await connect(deps);
  const services = await bounded(runner.ps(), PS_TIMEOUT_MS, 'docker compose ps');
  const timeoutS = Math.max(1, Math.ceil(o.timeoutMs / 1000));
  // Compose stops the containers in parallel, each within timeoutS; the rest is removal, allowed a minute.
  const bound = o.timeoutMs + 60_000;
  if (o.keep) {
    await bounded(runner.stop({ timeoutS }), bound, 'docker compose stop');
    if (state) writeDockerState({ ...state, status: 'kept' });
  } else {
    await bounded(runner.down({ volumes: true, timeoutS }), bound, 'docker compose down');
    rmSync(dockerStateFile(o.paths.runDir), { force: true });
  }
  return { ...(state ? { state } : {}), services, removedData: !o.keep };
}

export async function status(o: { paths: StackPaths }, deps: DockerDeps): Promise<DockerStatusResult> {
  const state = readDockerState(o.paths.runDir);
  const base = state ? { state } : {};
  const check = await deps.probe();
  if (!check.ok) return { ...base, running: false, services: [], problem: `Docker is not available: ${check.reason}` };
  try {
    const runner = deps.runner(check.compose, check.file);
    const [services, expected] = await bounded(Promise.all([runner.ps(), runner.services()]), PS_TIMEOUT_MS, 'docker compose ps');
    const missing = expected.filter((name) => !services.some((s) => s.service === name));
    return { ...base, running: stackRunning(services, expected), services, ...(services.length && missing.length ? { missing } : {}) };
  } catch (e) {
    return { ...base, running: false, services: [], problem: e instanceof Error ? e.message : String(e) };
  }
}

export async function logs(o: DockerLogsOptions, deps: DockerDeps): Promise<void> {
  const { runner } = await connect(deps);
  if (o.service) {
    const known = [...new Set((await bounded(runner.ps(), PS_TIMEOUT_MS, 'docker compose ps')).map((s) => s.service).filter(Boolean))];
    if (known.length && !known.includes(o.service)) throw usageError(`the compose stack has no service "${o.service}"`, `choose one of ${known.join(', ')}`);
  }
  const done = runner.logs({ services: o.service ? [o.service] : [], follow: o.follow, tail: o.lines, write: o.write });
  if (!o.signal) return done;
  // Ctrl-C reaches `docker compose logs -f` too; if only we were signalled, stop waiting for it.
  const signal = o.signal;
  const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.race([done.catch((e) => (signal.aborted ? undefined : Promise.reject(e))), aborted]);
}

function lastLine(text: string): string {
  const lines = text.split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}

export type DockerProvider = ReturnType<typeof dockerProvider>;

export function dockerProvider(deps: DockerDeps) {
  return {
    name: 'docker' as const,
    up: (o: DockerUpOptions) => up(o, deps),
    down: (o: { paths: StackPaths; timeoutMs: number; keep: boolean }) => down(o, deps),
    status: (o: { paths: StackPaths }) => status(o, deps),
    logs: (o: DockerLogsOptions) => logs(o, deps),
  };
}
