// The only file that imports kafkajs: client factory, a logger that writes to stderr, and small cluster queries.
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type logCreator } from 'kafkajs';
import type { Writable } from 'node:stream';
import { EXIT, KtoolError } from './errors.js';

export interface ConnectionOptions {
  brokers: string[];
  clientId?: string;
  /** Upper bound for connecting and for each wait on the cluster. */
  timeoutMs: number;
  /** kafkajs logs on stderr (never stdout) when set. */
  debug?: boolean;
  stderr?: Writable;
}

/** kafkajs's default logger writes to stdout; ours writes JSON-ish lines to stderr. */
function stderrLogger(stream: Writable): logCreator {
  const names = ['NOTHING', 'ERROR', 'WARN', 'INFO', 'DEBUG'];
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    stream.write(`[kafkajs ${names[entry.level]}] ${entry.namespace}: ${message} ${JSON.stringify(rest)}\n`);
  };
}

export function createKafka(options: ConnectionOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'ktool',
    brokers: options.brokers,
    connectionTimeout: Math.min(options.timeoutMs, 5_000),
    requestTimeout: Math.max(options.timeoutMs, 5_000),
    // Retries end well inside the timeout; withDeadline bounds the whole wait anyway.
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: Math.max(500, Math.floor(options.timeoutMs / 4)) },
    logLevel: options.debug ? logLevel.INFO : logLevel.NOTHING,
    logCreator: stderrLogger(options.stderr ?? process.stderr),
  };
  return new Kafka(config);
}

/** Rejects with the error made by onTimeout if the promise has not settled in ms. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function unreachable(brokers: string[], timeoutMs: number, cause?: unknown): KtoolError {
  return new KtoolError('BROKER_UNREACHABLE', `could not reach Kafka at ${brokers.join(',')} within ${timeoutMs} ms`, {
    exitCode: EXIT.unreachable,
    hint: 'is a broker running? start one with `npx kstack up`, or point -b/--brokers (or KAFKA_BROKERS) at yours; --timeout MS waits longer',
    cause,
  });
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

/** The brokers the cluster's metadata lists, sorted by node id. */
export async function describeBrokers(options: ConnectionOptions): Promise<{ brokers: BrokerInfo[]; controller: number | null }> {
  const admin = createKafka(options).admin();
  try {
    const cluster = await withDeadline(
      admin.connect().then(() => admin.describeCluster()),
      options.timeoutMs,
      () => unreachable(options.brokers, options.timeoutMs),
    );
    const brokers = cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
    return { brokers: brokers.sort((a, b) => a.nodeId - b.nodeId), controller: cluster.controller };
  } catch (e) {
    throw e instanceof KtoolError ? e : unreachable(options.brokers, options.timeoutMs, e);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
