// A Kafka Connect worker in distributed mode (ConnectDistributed) beside kstack's brokers: its config, start and readiness.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../../errors.js';
import { javaBin, isOurs, spawnDetached, tail } from '../process.js';
import { renderProperties, type Properties } from '../properties.js';
import type { SecureMaterial } from '../secure.js';
import type { LaunchCommand } from '../state.js';
import { DEFAULT_CONNECT_PORT, DEFAULT_PORT } from '../versions.js';
import { hasServiceManifests, type ConnectJars } from './plugins.js';

/** `kstack up --connect`: the worker's REST port and the Maven plugins it loads besides the FileStream connectors. */
export interface ConnectOptions {
  port: number;
  plugins: string[];
}

export type { ConnectState } from './state.js';

/** The REST port follows the brokers' --port: 8083 beside 9092, 18491 beside 19500. */
export function defaultConnectPort(basePort: number): number {
  return DEFAULT_CONNECT_PORT + (basePort - DEFAULT_PORT);
}

/** Heap of the worker: enough for the FileStream and Debezium connectors, small enough for a 2-core CI machine. */
export const CONNECT_HEAP = '256m';
export const CONNECT_GROUP = 'kstack-connect';
/** Internal topics, the names the Connect docs and the CP images use. */
export const CONNECT_TOPICS = { config: 'connect-configs', offset: 'connect-offsets', status: 'connect-status' } as const;

export interface WorkerPlan {
  dir: string;
  configFile: string;
  logFile: string;
  port: number;
  host: string;
  url: string;
}

export function planWorker(runDir: string, host: string, port: number): WorkerPlan {
  const dir = join(runDir, 'nodes', 'connect');
  return { dir, configFile: join(dir, 'connect-distributed.properties'), logFile: join(dir, 'out.log'), port, host, url: `http://${host}:${port}` };
}

/** How the worker and the clients it makes for connectors reach a --secure stack: SCRAM over TLS, like any client. */
function clientSecurity(m: SecureMaterial): Properties {
  const base: Properties = {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-256',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${m.user}" password="${m.password}";`,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': m.truststore,
    'ssl.truststore.password': m.storePassword,
  };
  // The worker's own clients read the plain keys; connectors' producers, consumers and admins the prefixed ones.
  const out: Properties = { ...base };
  for (const prefix of ['producer.', 'consumer.', 'admin.']) for (const [k, v] of Object.entries(base)) out[prefix + k] = v;
  return out;
}

/**
 * connect-distributed.properties. https://kafka.apache.org/documentation/#connect_running
 * Internal topics get the replication factor of the brokers' own internal topics (up to 3); JSON without schemas by default,
 * so a topic written by a connector reads as plain JSON (a connector may set its own converters).
 */
export function workerProperties(o: { plan: WorkerPlan; bootstrap: string; brokers: number; jars: ConnectJars; security?: SecureMaterial }): Properties {
  const rf = Math.min(o.brokers, 3);
  return {
    'bootstrap.servers': o.bootstrap,
    'group.id': CONNECT_GROUP,
    'config.storage.topic': CONNECT_TOPICS.config,
    'offset.storage.topic': CONNECT_TOPICS.offset,
    'status.storage.topic': CONNECT_TOPICS.status,
    'config.storage.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': false,
    'value.converter.schemas.enable': false,
    // A worker that left (kstack down --keep, a crash) gets its connectors back at once when it returns, not after the
    // default 5 minutes that wait for a lost member of a multi-worker cluster (KIP-415).
    'scheduled.rebalance.max.delay.ms': 0,
    // Source offsets reach Kafka within a second, so a restarted worker repeats little.
    'offset.flush.interval.ms': 1_000,
    listeners: o.plan.url,
    'rest.advertised.host.name': o.plan.host,
    'rest.advertised.port': o.plan.port,
    'rest.advertised.listener': 'http',
    // No plugins at all (a Kafka line without FileStream connectors, and no --plugin): no plugin.path to scan.
    ...(o.jars.pluginPath.length === 0
      ? {}
      : {
          'plugin.path': o.jars.pluginPath.join(','),
          // KIP-898: only when every plugin has manifests, or the worker would not see the others.
          'plugin.discovery': o.jars.pluginPath.every(hasServiceManifests) ? 'service_load' : 'hybrid_warn',
        }),
    ...(o.security ? clientSecurity(o.security) : {}),
  };
}

/** The log line of a worker that has joined its group, read the config topic and serves REST (3.9 and 4.x alike). */
export const WORKER_READY_LINE = /REST resources initialized; server is started and ready to handle requests/;

/**
 * Writes the config (owner-only: with --secure it holds the SASL password) and starts the JVM. Returns the pid and the
 * command line, which the state records so that `kstack up` can start a worker that died again, as it does a broker.
 */
export function launchWorker(o: { plan: WorkerPlan; props: Properties; jars: ConnectJars; loggingFlags: string[]; jvmFlags: string[] }): { pid: number; command: LaunchCommand } {
  mkdirSync(o.plan.dir, { recursive: true });
  writeFileSync(o.plan.configFile, renderProperties(o.props, 'written by kstack for the Connect worker; regenerated on every start'), { mode: 0o600 });
  const args = [`-Xmx${CONNECT_HEAP}`, '-Xms128m', ...o.jvmFlags, ...o.loggingFlags, '-cp', join(o.jars.libs, '*'), 'org.apache.kafka.connect.cli.ConnectDistributed', o.plan.configFile];
  const command: LaunchCommand = { bin: javaBin(), args, cwd: o.plan.dir, ready: WORKER_READY_LINE.source };
  return { pid: spawnDetached(command.bin, command.args, o.plan.logFile, command.cwd), command };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ready when the REST API lists the plugins and `GET /health` says so (KIP-1017, Kafka 3.9+: 200 once the worker has
 * read its internal topics to the end and joined its group). `GET /connectors` answered earlier than that: a worker
 * restarted on kept data listed no connectors for a moment (KAFKA-10816), and CI's test of that restart caught it.
 * Fails as soon as the process is gone, or at the deadline, quoting the end of its log.
 */
export async function awaitWorker(plan: WorkerPlan, proc: { pid: number; marker: string }, deadline: number): Promise<void> {
  const logTail = (n: number) => {
    try {
      return tail(readFileSync(plan.logFile, 'utf8'), n);
    } catch {
      return '(no log yet)';
    }
  };
  for (const path of ['/connector-plugins', '/health']) {
    for (;;) {
      try {
        const res = await fetch(plan.url + path, { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (!isOurs(proc.pid, proc.marker)) {
        throw new KtoolError('START_FAILED', `the Connect worker exited before it was ready; the end of ${plan.logFile}:\n${logTail(12)}`, { exitCode: EXIT.failed });
      }
      if (Date.now() > deadline) {
        throw new KtoolError('START_TIMEOUT', `the Connect worker did not answer GET ${plan.url}${path} in time; the end of ${plan.logFile}:\n${logTail(8)}`, {
          exitCode: EXIT.unreachable,
          hint: 'allow more time with --timeout MS',
        });
      }
      await sleep(200);
    }
  }
}
