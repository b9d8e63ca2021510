// The shape of a local stack, decided before anything runs: node ids, ports, directories. Pure.
import { join } from 'node:path';
import { sortOverrides, type BrokerOverrides } from './overrides.js';
import type { ConnectOptions } from './connect/worker.js';
import type { KafkaVersion } from './versions.js';

export type StackMode = 'kraft' | 'zookeeper';

export interface StackOptions {
  brokers: number;
  mode: StackMode;
  kafka: KafkaVersion;
  host: string;
  /** Client port of the first broker; the others and the controllers follow it (see planStack). */
  basePort: number;
  /** Maximum JVM heap per process, e.g. `512m`. */
  heap: string;
  /** Extra properties for every broker (`--config`), already checked by parseBrokerOverrides; none when absent. */
  config?: BrokerOverrides;
  /** `--secure`: SASL_PLAINTEXT, SSL and SASL_SSL listeners beside PLAINTEXT (KRaft only). */
  secure?: boolean;
  /** `--connect`: a Kafka Connect worker too (lib/stack/connect/). */
  connect?: ConnectOptions;
}

/** Client ports of a broker's secured listeners (`--secure`). */
export interface SecurePorts {
  saslPlaintext: number;
  ssl: number;
  saslSsl: number;
}

export interface NodePlan {
  role: 'broker' | 'zookeeper';
  id: number;
  /** Client port (brokers) or client port of ZooKeeper. */
  port: number;
  /** KRaft controller port of this combined broker+controller node. */
  controllerPort?: number;
  /** With --secure: the ports of the SASL_PLAINTEXT, SSL and SASL_SSL listeners. */
  securePorts?: SecurePorts;
  dir: string;
  configFile: string;
  logFile: string;
  dataDir: string;
}

export interface StackPlan extends StackOptions {
  config: BrokerOverrides;
  runDir: string;
  nodes: NodePlan[];
  bootstrap: string;
  /** Every port the stack listens on, checked free before start. */
  ports: number[];
}

export const MAX_BROKERS = 9;

/**
 * Port layout from base port B with n brokers: clients B..B+n-1; KRaft controllers B+n..B+2n-1;
 * in ZooKeeper mode, ZooKeeper at B+n. One broker on 9092 thus has its controller on 9093. With --secure, after those
 * (from S = B+2n): SASL_PLAINTEXT S..S+n-1, SSL S+n..S+2n-1, SASL_SSL S+2n..S+3n-1; one broker: 9094, 9095, 9096.
 */
export function planStack(options: StackOptions, runDir: string): StackPlan {
  const { brokers: n, host, basePort } = options;
  const nodesDir = join(runDir, 'nodes');
  const secureBase = basePort + portSpan(n, options.mode);
  const node = (role: NodePlan['role'], id: number, port: number, controllerPort?: number): NodePlan => {
    const dir = join(nodesDir, role === 'zookeeper' ? 'zookeeper' : `broker-${id}`);
    return {
      role,
      id,
      port,
      ...(controllerPort === undefined ? {} : { controllerPort }),
      ...(options.secure && role === 'broker' ? { securePorts: { saslPlaintext: secureBase + id - 1, ssl: secureBase + n + id - 1, saslSsl: secureBase + 2 * n + id - 1 } } : {}),
      dir,
      configFile: join(dir, role === 'zookeeper' ? 'zookeeper.properties' : 'server.properties'),
      logFile: join(dir, 'out.log'),
      dataDir: join(dir, 'data'),
    };
  };
  const nodes: NodePlan[] = [];
  if (options.mode === 'zookeeper') nodes.push(node('zookeeper', 0, basePort + n));
  for (let i = 0; i < n; i++) {
    nodes.push(node('broker', i + 1, basePort + i, options.mode === 'kraft' ? basePort + n + i : undefined));
  }
  const ports = nodes.flatMap((x) => [
    x.port,
    ...(x.controllerPort === undefined ? [] : [x.controllerPort]),
    ...(x.securePorts ? [x.securePorts.saslPlaintext, x.securePorts.ssl, x.securePorts.saslSsl] : []),
  ]);
  const bootstrap = nodes
    .filter((x) => x.role === 'broker')
    .map((x) => `${host}:${x.port}`)
    .join(',');
  return { ...options, config: sortOverrides(options.config ?? {}), runDir, nodes, bootstrap, ports: ports.sort((a, b) => a - b) };
}

/** How many consecutive ports a stack of this shape needs from its base port. */
export function portSpan(brokers: number, mode: StackMode, secure = false): number {
  return (mode === 'kraft' ? 2 * brokers : brokers + 1) + (secure ? 3 * brokers : 0);
}

/**
 * A KRaft cluster id: 16 random bytes as unpadded base64url. Like Kafka's Uuid.randomUuid, never one that starts
 * with '-', which StorageTool's argument parser would take for an option.
 */
export function newClusterId(random: (size: number) => Buffer): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
