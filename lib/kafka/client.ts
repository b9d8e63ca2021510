// The kafkajs client: factory with a stderr logger, deadlines, the admin wrapper, and the one map from kafkajs errors to ours.
import './patches.js'; // first: replaces two kafkajs producer internals before kafkajs loads them
import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry, type logCreator } from 'kafkajs';
import type { Writable } from 'node:stream';
import { registerCodecs } from '../codecs.js';
import { EXIT, KtoolError } from '../errors.js';

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
  const names: Record<number, string> = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    stream.write(`[kafkajs ${names[entry.level]}] ${entry.namespace}: ${message} ${JSON.stringify(rest)}\n`);
  };
}

export function createKafka(options: ConnectionOptions): Kafka {
  registerCodecs();
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


/**
 * How long an admin call retries errors Kafka marks retriable. Brokers learn of a new topic asynchronously
 * (KRaft metadata propagation), so one that lags answers UNKNOWN_TOPIC_OR_PARTITION for a moment after creation.
 */
export const PROPAGATION_WINDOW_MS = 3_000;

/** Calls fn again while it fails with an error Kafka marks retriable, until the given time. */
export async function retryRetriable<T>(fn: () => Promise<T>, until: number): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { retriable?: boolean }).retriable !== true || Date.now() >= until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Runs fn with a connected admin client, bounded by the timeout, errors mapped, always disconnected. */
export async function withAdmin<T>(options: ConnectionOptions, fn: (admin: Admin) => Promise<T>, topic?: string): Promise<T> {
  const admin = createKafka(options).admin();
  const end = Date.now() + options.timeoutMs;
  const retryUntil = Date.now() + Math.min(options.timeoutMs, PROPAGATION_WINDOW_MS);
  const left = () => Math.max(1, end - Date.now());
  const timedOut = () => unreachable(options.brokers, options.timeoutMs);
  try {
    await withDeadline(admin.connect(), left(), timedOut);
    return await retryRetriable(() => withDeadline(fn(admin), left(), timedOut), retryUntil);
  } catch (e) {
    throw mapKafkaError(e, options, topic);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Maps kafkajs errors by class name and protocol error type (never by message text) to KtoolErrors. */
export function mapKafkaError(error: unknown, options: ConnectionOptions, topic?: string): KtoolError {
  if (error instanceof KtoolError) return error;
  type Link = { name?: string; type?: string; topic?: string; cause?: unknown; originalError?: unknown; message?: string };
  const e = error as Link;
  // kafkajs wraps the broker's error once per retry layer (KafkaJSNumberOfRetriesExceeded, possibly nested): walk down to it.
  const chain: Link[] = [];
  for (let x: unknown = error; x !== null && typeof x === 'object' && !chain.includes(x as Link) && chain.length < 10; ) {
    chain.push(x as Link);
    x = (x as Link).cause ?? (x as Link).originalError;
  }
  const type = chain.find((x) => typeof x.type === 'string')?.type;
  const notLoaded = chain.find((x) => x.name === 'KafkaJSTopicMetadataNotLoaded');
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || notLoaded) {
    const name = topic ?? notLoaded?.topic;
    const example = name && !name.includes(',') ? name : 'NAME';
    return new KtoolError('UNKNOWN_TOPIC', `topic ${name ? `"${name}" ` : ''}does not exist`, {
      exitCode: EXIT.failed,
      hint:
        'check the name (a typo?), or create the topic first: the broker does not auto-create it (auto.create.topics.enable=false; consumers never ask). ' +
        `Create it with \`kafka-topics.sh --bootstrap-server ${options.brokers.join(',')} --create --topic ${example}\`; ` +
        'with kstack, `kstack up --config auto.create.topics.enable=true` (the default) lets producers create topics',
      cause: error,
    });
  }
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
    return new KtoolError('MESSAGE_TOO_LARGE', 'the broker refused a record as too large', {
      hint: 'raise the topic\'s max.message.bytes (and the broker\'s message.max.bytes), or send smaller records',
      cause: error,
    });
  }
  if (type?.endsWith('_AUTHORIZATION_FAILED')) {
    return new KtoolError('NOT_AUTHORIZED', `not authorized (${type})`, { hint: 'ask for the ACL this operation needs', cause: error });
  }
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSBrokerNotFound' || e.name === 'KafkaJSConnectionClosedError') {
    return unreachable(options.brokers, options.timeoutMs, error);
  }
  return new KtoolError('KAFKA_ERROR', `Kafka said: ${e.message ?? String(error)}`, { cause: error });
}
