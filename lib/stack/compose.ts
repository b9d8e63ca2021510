// Docker Compose through the docker-compose npm package: is there an engine and a Compose v2, and a runner for one compose file.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as compose from 'docker-compose';
import { EXIT, KtoolError } from '../errors.js';
import { tail } from './process.js';

/** Which Compose implementation runs the stack: the `docker compose` plugin (the npm package's default) or a standalone v2 binary. */
export interface ComposeCli {
  standalone: boolean;
  executablePath: string;
  version: string;
}

export type DockerCheck =
  | { ok: true; engine: string; compose: ComposeCli; file: string }
  | { ok: false; reason: string; hint: string };

/** A container of the compose project, from `docker compose ps --all --format json`. */
export interface ComposeService {
  service: string;
  name: string;
  /** running, exited, created, restarting, paused, dead. */
  state: string;
  /** healthy, unhealthy, starting, or '' for a service without a health check. */
  health: string;
  exitCode: number;
  /** Host ports the container publishes. */
  ports: number[];
}

/** The compose commands kstack runs; tests replace it so the provider's logic runs without an engine. */
export interface ComposeRunner {
  /** `up -d --wait --wait-timeout S`: returns once every service is running and healthy. */
  up(o: { waitTimeoutS: number; onOutput: (text: string) => void }): Promise<void>;
  /** `down [-v] --timeout S`: removes containers and networks, and with `volumes` the data too. */
  down(o: { volumes: boolean; timeoutS: number }): Promise<void>;
  /** `stop --timeout S`: stops the containers and keeps them with their data. */
  stop(o: { timeoutS: number }): Promise<void>;
  ps(): Promise<ComposeService[]>;
  /** `config --services`: the services `up` starts (those of the default profile). */
  services(): Promise<string[]>;
  logs(o: { services: string[]; follow: boolean; tail: number; write: (chunk: Buffer, stream: 'stdout' | 'stderr') => void }): Promise<void>;
}

/** `up --wait-timeout` arrived in Compose 2.17 (docker/compose#10276); `up --wait` alone could wait forever. */
export const MIN_COMPOSE = { major: 2, minor: 17 } as const;
const ENGINE_TIMEOUT_MS = 3_000;
const COMPOSE_VERSION_TIMEOUT_MS = 5_000;

export function parseComposeVersion(text: string): { major: number; minor: number } | undefined {
  const m = /v?(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Whether a Docker engine answers (`docker info`, bounded), which Compose v2 is installed, and whether the compose file is there. */
export async function probeDocker(file: string, env: NodeJS.ProcessEnv = process.env): Promise<DockerCheck> {
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], env, ENGINE_TIMEOUT_MS);
  if (info.missing) return { ok: false, reason: 'the docker command was not found', hint: 'install Docker Desktop, or Docker Engine with the compose plugin (https://docs.docker.com/get-docker/)' };
  if (info.timedOut) return { ok: false, reason: `no Docker engine answered \`docker info\` within ${ENGINE_TIMEOUT_MS / 1000} s`, hint: 'start Docker Desktop or the Docker engine (sudo systemctl start docker)' };
  const engine = info.stdout.trim();
  if (info.code !== 0 || !engine) {
    return { ok: false, reason: `no Docker engine answers (docker info: ${firstLine(info.stderr) || `exit code ${info.code}`})`, hint: 'start Docker Desktop or the Docker engine (sudo systemctl start docker)' };
  }
  const cli = await findCompose(env);
  if ('reason' in cli) return { ok: false, reason: cli.reason, hint: 'install the Docker Compose v2 plugin (Debian/Ubuntu: apt-get install docker-compose-plugin), or update Docker Desktop' };
  if (!existsSync(file)) return { ok: false, reason: `the compose file ${file} is missing`, hint: 'run kstack from a checkout of its repository, which holds docker-compose.yml' };
  return { ok: true, engine, compose: cli, file };
}

async function findCompose(env: NodeJS.ProcessEnv): Promise<ComposeCli | { reason: string }> {
  const found: string[] = [];
  const candidates: Array<{ standalone: boolean; executablePath: string; label: string }> = [
    { standalone: false, executablePath: 'docker', label: 'docker compose' },
    { standalone: true, executablePath: 'docker-compose', label: 'docker-compose' },
  ];
  for (const c of candidates) {
    const options: compose.IDockerComposeOptions = { env, ...(c.standalone ? { executable: { standalone: true, executablePath: c.executablePath } } : {}) };
    const version = await bounded(compose.version(options), COMPOSE_VERSION_TIMEOUT_MS, `${c.label} version`).then((r) => r.data.version, () => undefined);
    const v = version === undefined ? undefined : parseComposeVersion(version);
    if (!v || version === undefined) continue; // not installed, or it printed no version
    if (v.major > MIN_COMPOSE.major || (v.major === MIN_COMPOSE.major && v.minor >= MIN_COMPOSE.minor)) return { standalone: c.standalone, executablePath: c.executablePath, version };
    found.push(`${c.label} ${version}`);
  }
  return {
    reason: found.length
      ? `Docker Compose ${MIN_COMPOSE.major}.${MIN_COMPOSE.minor} or newer is needed for \`up --wait --wait-timeout\`; found ${found.join(' and ')}`
      : 'Docker Compose v2 was not found (tried `docker compose version` and `docker-compose version`)',
  };
}

/**
 * Parses `ps --format json`: one JSON object per line since Compose 2.21, a JSON array before it
 * (docker/compose#10918). The npm package's own `ps` parses only the first form, and drops Service and Health.
 */
export function parsePs(out: string): ComposeService[] {
  const text = out.trim();
  if (!text) return [];
  const items: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  return items.map((raw) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const publishers = Array.isArray(o.Publishers) ? (o.Publishers as Array<Record<string, unknown>>) : [];
    const ports = [...new Set(publishers.map((p) => Number(p.PublishedPort)).filter((p) => Number.isInteger(p) && p > 0))].sort((a, b) => a - b);
    return {
      service: String(o.Service ?? ''),
      name: String(o.Name ?? ''),
      state: String(o.State ?? '').toLowerCase(),
      health: String(o.Health ?? '').toLowerCase(),
      exitCode: Number(o.ExitCode ?? 0),
      ports,
    };
  });
}

/**
 * A running stack: every expected service has a container, something runs, nothing is unhealthy or still starting,
 * and what exited (a one-shot init step) exited 0.
 */
export function stackRunning(services: ComposeService[], expected: string[] = []): boolean {
  return (
    expected.every((name) => services.some((s) => s.service === name)) &&
    services.some((s) => s.state === 'running') &&
    services.every((s) => (s.state === 'running' && s.health !== 'unhealthy' && s.health !== 'starting') || (s.state === 'exited' && s.exitCode === 0))
  );
}

/** The real runner: the docker-compose npm package, with the compose file's directory as the project directory. */
export function composeRunner(cli: ComposeCli, file: string, env: NodeJS.ProcessEnv = process.env): ComposeRunner {
  const base = (): compose.IDockerComposeOptions => ({
    cwd: dirname(file),
    config: file,
    env,
    ...(cli.standalone ? { executable: { standalone: true, executablePath: cli.executablePath } } : {}),
  });
  return {
    async up({ waitTimeoutS, onOutput }) {
      // upAll adds -d; --wait returns when every service is running and healthy, --wait-timeout bounds that wait.
      await compose
        .upAll({ ...base(), commandOptions: ['--wait', ['--wait-timeout', String(waitTimeoutS)]], maxOutputLength: 100_000, callback: (chunk) => onOutput(chunk.toString()) })
        .catch(rethrow('docker compose up'));
    },
    async down({ volumes, timeoutS }) {
      await compose.down({ ...base(), commandOptions: [...(volumes ? ['-v'] : []), ['--timeout', String(timeoutS)]], maxOutputLength: 100_000 }).catch(rethrow('docker compose down'));
    },
    async stop({ timeoutS }) {
      await compose.stop({ ...base(), commandOptions: [['--timeout', String(timeoutS)]], maxOutputLength: 100_000 }).catch(rethrow('docker compose stop'));
    },
    async ps() {
      const r = await compose.execCompose('ps', [], { ...base(), commandOptions: ['--all', ['--format', 'json']] }).catch(rethrow('docker compose ps'));
      return parsePs(r.out);
    },
    async services() {
      const r = await compose.configServices(base()).catch(rethrow('docker compose config --services'));
      return r.data.services;
    },
    async logs({ services, follow, tail: lines, write }) {
      await compose
        .logs(services, { ...base(), follow, commandOptions: [['--tail', String(lines)]], maxOutputLength: 0, callback: (chunk, stream) => write(chunk, stream === 'stderr' ? 'stderr' : 'stdout') })
        .catch(rethrow('docker compose logs'));
    },
  };
}

/** The npm package rejects with its result object ({ exitCode, out, err }) or a spawn Error; both become a KtoolError. */
export function rethrow(what: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof KtoolError) throw e;
    if (e instanceof Error) throw new KtoolError('COMPOSE_FAILED', `${what}: ${e.message}`, { exitCode: EXIT.environment, cause: e });
    const r = (e ?? {}) as { exitCode?: number | null; out?: string; err?: string };
    const output = tail(r.err || r.out || '', 12);
    throw new KtoolError('COMPOSE_FAILED', `${what} exited with code ${r.exitCode ?? '?'}${output ? `:\n${output}` : ''}`, { exitCode: EXIT.failed });
  };
}

/** Rejects after ms with exit code 3; the npm package cannot kill its child, so the CLI's exit ends it. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KtoolError('TIMEOUT', `${what} did not finish within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`, { exitCode: EXIT.unreachable })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  missing: boolean;
  timedOut: boolean;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        stdout,
        stderr,
        missing: e?.code === 'ENOENT',
        timedOut: e?.killed === true,
      });
    });
  });
}
