// A stand-in for this machine's Docker and Java, and a compose runner that records what it was asked: the provider choice
// and the Docker provider's own logic run in unit tests, without an engine (there is none on our machines).
import type { ComposeCli, ComposeRunner, ComposeService, DockerCheck } from '../../lib/stack/compose.js';
import type { StackEnvironment } from '../../lib/stack/index.js';

export const COMPOSE_CLI: ComposeCli = { standalone: false, executablePath: 'docker', version: '2.29.1' };
export const DOCKER_OK: DockerCheck = { ok: true, engine: '28.2.2', compose: COMPOSE_CLI, file: '/repo/docker-compose.yml' };
export const NO_ENGINE: DockerCheck = { ok: false, reason: 'no Docker engine answers (docker info: Cannot connect to the Docker daemon)', hint: 'start Docker Desktop or the Docker engine' };

export function service(name: string, over: Partial<ComposeService> = {}): ComposeService {
  return { service: name, name: `repo-${name}-1`, state: 'running', health: 'healthy', exitCode: 0, ports: [], ...over };
}

/** The compose stack as `ps` shows it once healthy; the init step has created the topic and exited. */
export const HEALTHY: ComposeService[] = [
  service('zookeeper', { ports: [2181] }),
  service('kafka', { ports: [9092] }),
  service('control-center', { ports: [9021] }),
  service('init-topics', { state: 'exited', health: '', exitCode: 0 }),
];

export interface FakeRunner extends ComposeRunner {
  calls: Array<{ op: string; args: unknown }>;
  /** What ps returns, in order; the last one repeats. */
  psResults: ComposeService[][];
  upError?: unknown;
  logLines: string[];
  /** What `config --services` lists. */
  expected: string[];
}

export function fakeRunner(psResults: ComposeService[][] = [[], HEALTHY], over: Partial<FakeRunner> = {}): FakeRunner {
  const r: FakeRunner = {
    calls: [],
    psResults,
    expected: HEALTHY.map((s) => s.service),
    logLines: ['kafka-1  | [2025-01-01] INFO started (kafka.server.KafkaServer)\n'],
    async up(o) {
      r.calls.push({ op: 'up', args: { waitTimeoutS: o.waitTimeoutS } });
      o.onOutput(' Container repo-zookeeper-1  Healthy\n Container repo-kafka-1  Waiting\n');
      if (r.upError !== undefined) throw r.upError;
    },
    async down(o) {
      r.calls.push({ op: 'down', args: o });
    },
    async stop(o) {
      r.calls.push({ op: 'stop', args: o });
    },
    async ps() {
      r.calls.push({ op: 'ps', args: undefined });
      return (r.psResults.length > 1 ? r.psResults.shift() : r.psResults[0]) ?? [];
    },
    async services() {
      r.calls.push({ op: 'services', args: undefined });
      return r.expected;
    },
    async logs(o) {
      r.calls.push({ op: 'logs', args: { services: o.services, follow: o.follow, tail: o.tail } });
      for (const l of r.logLines) o.write(Buffer.from(l), 'stdout');
    },
    ...over,
  };
  return r;
}

export interface FakeMachine extends StackEnvironment {
  asked: string[];
  runner: FakeRunner;
}

/** A machine with or without a Docker engine and Java; `asked` lists the probes in the order they ran. */
export function fakeMachine(o: { docker: DockerCheck; java: boolean; runner?: FakeRunner }): FakeMachine {
  const m: FakeMachine = {
    asked: [],
    runner: o.runner ?? fakeRunner(),
    async docker() {
      m.asked.push('docker');
      return o.docker;
    },
    async java() {
      m.asked.push('java');
      return o.java ? { ok: true } : { ok: false, reason: 'java was not found (tried `java -version`)' };
    },
    composeRunner: () => m.runner,
  };
  return m;
}
