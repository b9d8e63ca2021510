// The stack API: one provider interface for the local JVM broker and the Docker compose stack, and the choice between them.
import { spawnSync } from 'node:child_process';
import { EXIT, KtoolError, usageError } from '../errors.js';
import { composeRunner, probeDocker, type ComposeCli, type ComposeRunner, type DockerCheck } from './compose.js';
import { composeFile, dockerProvider, dockerUnavailable, readDockerState, type DockerLogsOptions } from './docker.js';
import * as local from './local.js';
import { localLogs } from './logs.js';
import type { StackPaths } from './paths.js';
import { javaBin } from './process.js';
import { readState } from './state.js';

export type { UpOptions, UpResult, DownResult, StatusResult } from './local.js';
export { describeShape, describeStack } from './local.js';

export type ProviderName = 'local' | 'docker';
/** `--local`, `--docker`, or neither: kstack decides. */
export type ProviderRequest = ProviderName | 'auto';

/** `kstack logs`: which service or node, how many lines from the end, whether to follow; chunks go to write (stdout). */
export type LogsOptions = DockerLogsOptions;

/**
 * What every provider does. `up` takes the local broker's options; the Docker provider uses paths, timeoutMs and
 * onProgress only (its shape is the compose file). `status` of the local provider answers at once from its state file.
 */
export interface StackProvider {
  readonly name: ProviderName;
  up(options: local.UpOptions): Promise<{ state: { provider: ProviderName; bootstrap: string }; alreadyRunning: boolean; elapsedMs: number }>;
  down(options: { paths: StackPaths; timeoutMs: number; keep: boolean }): Promise<{ removedData: boolean }>;
  status(options: { paths: StackPaths }): { running: boolean } | Promise<{ running: boolean }>;
  logs(options: LogsOptions): Promise<void>;
}

export const localProvider = { name: 'local', up: local.up, down: local.down, status: local.status, logs: localLogs } as const satisfies StackProvider;
export type LocalProvider = typeof localProvider;

/** What kstack asks this machine before it picks a provider, and how it runs compose; tests pass fakes. */
export interface StackEnvironment {
  /** A Docker engine answers, a Compose v2.17+ is installed and the compose file is there; or why not. */
  docker(): Promise<DockerCheck>;
  /** `java -version` runs; or why not. */
  java(): Promise<{ ok: true } | { ok: false; reason: string }>;
  composeRunner(cli: ComposeCli, file: string): ComposeRunner;
}

/** The real machine: probes run at most once per process. */
export function machineEnvironment(env: NodeJS.ProcessEnv = process.env): StackEnvironment {
  let docker: Promise<DockerCheck> | undefined;
  let java: ReturnType<StackEnvironment['java']> | undefined;
  return {
    docker: () => (docker ??= probeDocker(composeFile(), env)),
    java: () =>
      (java ??= Promise.resolve().then(() => {
        const bin = javaBin(env);
        const r = spawnSync(bin, ['-version'], { stdio: 'ignore', timeout: 30_000, env });
        return r.error || r.status !== 0 ? { ok: false as const, reason: `${bin} was not found (tried \`${bin} -version\`)` } : { ok: true as const };
      })),
    composeRunner: (cli, file) => composeRunner(cli, file, env),
  };
}

export function providers(machine: StackEnvironment) {
  return { local: localProvider, docker: dockerProvider({ probe: () => machine.docker(), runner: (cli, file) => machine.composeRunner(cli, file) }) satisfies StackProvider };
}
export type Provider = ReturnType<typeof providers>[ProviderName];

export interface Decision {
  name: ProviderName;
  /** Why the preferred provider was not taken, for a line on stderr. */
  note?: string;
}

/**
 * The decision table. `--local` and `--docker` are obeyed (a missing Docker is exit 4 at once; a missing Java is the local
 * provider's own exit 4). Otherwise the preferred provider is taken if it can run, else the other, else neither: exit 4.
 * `kstack up` prefers Docker (the stack the original project's users know); the test setup prefers Java (a private broker on free ports).
 */
export async function decideProvider(request: ProviderRequest, machine: Pick<StackEnvironment, 'docker' | 'java'>, prefer: ProviderName = 'docker'): Promise<Decision> {
  if (request === 'local') return { name: 'local' };
  if (request === 'docker') {
    const docker = await machine.docker();
    if (!docker.ok) throw dockerUnavailable(docker, true);
    return { name: 'docker' };
  }
  if (prefer === 'docker') {
    const docker = await machine.docker();
    if (docker.ok) return { name: 'docker' };
    const java = await machine.java();
    if (java.ok) return { name: 'local', note: `starting Kafka on this machine's JVM; Docker is not available: ${docker.reason}` };
    throw neither(docker.reason, java.reason);
  }
  const java = await machine.java();
  if (java.ok) return { name: 'local' };
  const docker = await machine.docker();
  if (docker.ok) return { name: 'docker', note: `starting the Docker compose stack; Java is not available: ${java.reason}` };
  throw neither(docker.reason, java.reason);
}

export function neither(dockerReason: string, javaReason: string): KtoolError {
  return new KtoolError('NO_RUNTIME', `kstack runs Kafka with Docker or with Java, and this machine has neither: ${dockerReason}; ${javaReason}`, {
    exitCode: EXIT.environment,
    hint: 'install Docker Desktop (or Docker Engine with the compose plugin) and start it, or install Java 17 and Maven (Debian/Ubuntu: apt-get install openjdk-17-jre-headless maven)',
  });
}

/** Which provider's stack is recorded in the run directory: docker.json (Docker) or state.json (local); none if neither. */
export function recordedProvider(runDir: string): ProviderName | undefined {
  if (readDockerState(runDir)) return 'docker';
  return readState(runDir) ? 'local' : undefined;
}

/** A recorded local stack, whether its processes run, crashed or were stopped: `up` brings it back on its data. */
function liveLocal(runDir: string): boolean {
  return readState(runDir) !== undefined;
}

/**
 * `kstack up`: a stack recorded in the run directory decides (up again is a no-op or a restart of kept data); a flag for
 * the other provider is refused. Flags only the local broker has (`--brokers`, `--port`, ...) pick it. Else the table above.
 */
export async function chooseForUp(request: ProviderRequest, machine: StackEnvironment, paths: StackPaths, localFlags: string[] = []): Promise<Decision> {
  const recorded = readDockerState(paths.runDir) ? 'docker' : liveLocal(paths.runDir) ? 'local' : undefined;
  const wanted: ProviderRequest = request !== 'auto' ? request : localFlags.length ? 'local' : 'auto';
  if (recorded && wanted !== 'auto' && wanted !== recorded) {
    const what = recorded === 'docker' ? 'the Docker compose stack' : 'a local broker';
    const flags = request === 'auto' ? localFlags.map((f) => `--${f}`).join(', ') + ' (local-broker flags)' : `--${request}`;
    throw usageError(`${paths.runDir} records ${what}, and ${flags} asks for the other kind`, 'stop it first with `kstack down`, or give this one its own KSTACK_RUN_DIR');
  }
  if (recorded) return { name: recorded };
  return decideProvider(wanted, machine);
}

/** down, status, logs: the provider a flag names, else the one whose stack the run directory records, else local. */
export function chooseRecorded(request: ProviderRequest, runDir: string): ProviderName {
  return request !== 'auto' ? request : (recordedProvider(runDir) ?? 'local');
}
