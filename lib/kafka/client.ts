// The kafkajs client: factory with a stderr logger, deadlines, the admin wrapper, and the one map from kafkajs errors to ours.
import { withOfflinePartitions } from './patches.js'; // first: replaces kafkajs internals before kafkajs loads them
import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry, type logCreator, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { registerCodecs } from './codecs.js';
import { socketFactory } from './socket.js';
import { unreachable, withDeadline } from './deadline.js';

import { EXIT, KtoolError } from '../errors.js';
import { redact, type Secret } from '../config/secret.js';

export { unreachable, withDeadline } from './deadline.js';

const require = createRequire(import.meta.url);
const defaultSocketFactory = require('kafkajs/src/network/socketFactory.js') as () => Parameters<typeof socketFactory>[0];

export interface ConnectionOptions {
  brokers: string[];
  clientId?: string;
  /** Upper bound for connecting and for each wait on the cluster. */
  timeoutMs: number;
  /** kafkajs logs on stderr (never stdout) when set. */
  debug?: boolean;
  stderr?: Writable;
  /** SASL authentication (PLAIN or SCRAM); the password stays a Secret until it is handed to kafkajs. */
  sasl?: SaslSettings;
  /** TLS: on when present. PEM contents, not paths (lib/config/secrets.ts reads the files). */
  tls?: TlsSettings;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: Secret;
}

export interface TlsSettings {
  /** Trusted CA certificates (PEM) instead of Node's bundled ones. */
  ca?: Buffer;
  /** Client certificate and its key (PEM), for brokers that require or request one (mTLS). */
  cert?: Buffer;
  key?: Buffer;
  /** Accept any certificate and host name (`--insecure`): for a test broker only. */
  insecure: boolean;
}

/** kafkajs's default logger writes to stdout; ours writes JSON-ish lines to stderr. */
function stderrLogger(stream: Writable, secrets: readonly Secret[]): logCreator {
  const names: Record<number, string> = { [logLevel.ERROR]: 'ERROR', [logLevel.WARN]: 'WARN', [logLevel.INFO]: 'INFO', [logLevel.DEBUG]: 'DEBUG' };
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    // A broker or kafkajs may echo a credential back in a message: never let it reach the terminal.
    stream.write(redact(`[kafkajs ${names[entry.level]}] ${entry.namespace}: ${message} ${JSON.stringify(rest)}`, secrets) + '\n');
  };
}

/** kafkajs's sasl option; the only place a password is revealed. */
function saslConfig(sasl: SaslSettings): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } as SASLOptions;
}

/** Node's TLS options: our CA replaces the bundled ones; --insecure skips certificate and host name checks. */
function tlsConfig(tls: TlsSettings): TlsConnectionOptions {
  return {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    rejectUnauthorized: !tls.insecure,
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
    logCreator: stderrLogger(options.stderr ?? process.stderr, options.sasl ? [options.sasl.password] : []),
    ...(options.sasl ? { sasl: saslConfig(options.sasl) } : {}),
    ...(options.tls ? { ssl: tlsConfig(options.tls) } : {}),
    socketFactory: socketFactory(defaultSocketFactory()),
  };
  return new Kafka(config);
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
    // Admin calls read the whole cluster's metadata: a partition without a leader anywhere must not fail them all.
    return await withOfflinePartitions(async () => {
      await withDeadline(admin.connect(), left(), timedOut);
      return await retryRetriable(() => withDeadline(fn(admin), left(), timedOut), retryUntil);
    });
  } catch (e) {
    throw mapKafkaError(e, options, topic);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Maps kafkajs errors by class name and protocol error type (never by message text) to KtoolErrors. */
export function mapKafkaError(error: unknown, options: ConnectionOptions, topic?: string): KtoolError {
  if (error instanceof KtoolError) return error;
  type Link = { name?: string; type?: string; topic?: string; cause?: unknown; originalError?: unknown; errors?: unknown[]; message?: string };
  const e = error as Link;
  // kafkajs wraps the broker's error once per retry layer (KafkaJSNumberOfRetriesExceeded, possibly nested): walk down to it.
  const chain: Link[] = [];
  for (let x: unknown = error; x !== null && typeof x === 'object' && !chain.includes(x as Link) && chain.length < 10; ) {
    chain.push(x as Link);
    // KafkaJSAggregateError (createTopics) carries the per-topic errors in `errors`.
    x = (x as Link).cause ?? (x as Link).originalError ?? (x as Link).errors?.[0];
  }
  // Our own error, raised inside a kafkajs internal we replaced (send-messages.ts), already says what to do.
  const ours = chain.find((x): x is KtoolError => x instanceof KtoolError);
  if (ours) return ours;
  const type = chain.find((x) => typeof x.type === 'string')?.type;
  const notLoaded = chain.find((x) => x.name === 'KafkaJSTopicMetadataNotLoaded');
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || notLoaded) {
    const name = topic ?? notLoaded?.topic;
    // A request about several topics names them joined by commas (a character topic names cannot hold).
    const names = name?.split(',') ?? [];
    const what = names.length > 1 ? `one of the topics ${names.map((n) => `"${n}"`).join(', ')} does` : `topic ${name ? `"${name}" ` : ''}does`;
    // True on any broker, without asking it: only a producer may have a topic created, and only if the broker allows it.
    return new KtoolError('UNKNOWN_TOPIC', `${what} not exist`, {
      exitCode: EXIT.failed,
      hint:
        `check the name (a typo?), or create it: \`ktopics create ${names.length === 1 ? name : 'NAME'}\`. ` +
        'kconsume, kgroups and ktopics never create a topic; kproduce does only where the broker allows it (auto.create.topics.enable=true, the default of Kafka and kstack)',
      cause: error,
    });
  }
  // The broker's own words for a refusal, where kafkajs keeps them (admin-responses.ts): they name the config.
  const reason = chain.map((x) => (x as { brokerMessage?: unknown }).brokerMessage).find((m): m is string => typeof m === 'string');
  const admin = adminError(type, error, topic, reason);
  if (admin) return admin;
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
    return new KtoolError('MESSAGE_TOO_LARGE', 'the broker refused a record as too large', {
      hint: 'raise the topic\'s max.message.bytes (and the broker\'s message.max.bytes), or send smaller records',
      cause: error,
    });
  }
  if (type === 'LEADER_NOT_AVAILABLE') {
    return new KtoolError('NO_LEADER', `a partition${topic ? ` of topic "${topic}"` : ''} has no leader: the brokers of all its in-sync replicas are down (or an election is under way)`, {
      exitCode: EXIT.unreachable,
      hint: `\`ktopics describe ${topic && !topic.includes(',') ? topic : 'TOPIC'}\` shows the leaders and replicas; it comes back when one of its replicas' brokers does. If most KRaft controllers are down, the metadata quorum is lost and no leader can be elected until they return`,
      cause: error,
    });
  }
  if (type === 'INVALID_RECORD' || type === 'CORRUPT_MESSAGE' || type === 'INVALID_TIMESTAMP') {
    return new KtoolError('INVALID_RECORD', `the broker refused a record as invalid (${type})`, {
      hint: type === 'INVALID_TIMESTAMP' ? 'the topic\'s message.timestamp.*.ms limits refuse this record\'s timestamp: send it without one, or within them' : 'the topic may require keys (compacted topics refuse records without a key), or a schema the record does not follow',
      cause: error,
    });
  }
  if (type?.endsWith('_AUTHORIZATION_FAILED')) {
    return new KtoolError('NOT_AUTHORIZED', `not authorized (${type})`, { hint: 'ask for the ACL this operation needs', cause: error });
  }
  const security = securityError(chain, options, error);
  if (security) return security;
  const connection = connectionError(chain, options, error);
  if (connection) return connection;
  if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSBrokerNotFound' || e.name === 'KafkaJSConnectionClosedError') {
    return unreachable(options.brokers, options.timeoutMs, error);
  }
  return new KtoolError('KAFKA_ERROR', `Kafka said: ${e.message ?? String(error)}`, { hint: 'run again with --debug to see the whole error and the client log', cause: error });
}

/**
 * Refusals of admin requests (ktopics, kgroups), by Kafka's error type: exit 1, with what to do instead (and for a
 * refused config or policy, the broker's reason). The callers add what only they know; lib/groups/groups.ts maps the
 * per-group results of DeleteGroups with it too.
 */
export function adminError(type: string | undefined, cause: unknown, topic?: string, reason?: string): KtoolError | undefined {
  const name = topic ? `"${topic}" ` : '';
  const known: Record<string, [code: string, message: string, hint: string]> = {
    TOPIC_ALREADY_EXISTS: ['TOPIC_EXISTS', `topic ${name}already exists`, 'pick another name, or pass --if-not-exists to accept the existing topic'],
    INVALID_REPLICATION_FACTOR: ['INVALID_REPLICATION_FACTOR', 'the replication factor is larger than the number of brokers', 'each replica needs its own broker: lower -r/--replication-factor'],
    INVALID_PARTITIONS: ['INVALID_PARTITIONS', 'invalid number of partitions', 'a topic has at least 1 partition, and its count can only grow'],
    INVALID_CONFIG: ['INVALID_CONFIG', `the broker refused a config${topic ? ` of topic "${topic}"` : ''}`, 'check the names and values against https://kafka.apache.org/documentation/#topicconfigs'],
    POLICY_VIOLATION: ['POLICY_VIOLATION', 'the cluster\'s policy refused the request', 'ask the cluster\'s operators which topic settings are allowed'],
    GROUP_ID_NOT_FOUND: ['UNKNOWN_GROUP', 'the group does not exist', '`kgroups list` shows the groups there are'],
    NON_EMPTY_GROUP: ['GROUP_ACTIVE', 'the group still has active members', 'stop its consumers first (`kgroups describe GROUP` lists them), then retry'],
    TOPIC_DELETION_DISABLED: ['TOPIC_DELETION_DISABLED', 'the brokers do not allow deleting topics', 'set delete.topic.enable=true on the brokers'],
  };
  const hit = type === undefined ? undefined : known[type];
  if (!hit) return undefined;
  // Only where our words cannot say what was refused; elsewhere the broker's would repeat them.
  const explain = reason !== undefined && (type === 'INVALID_CONFIG' || type === 'POLICY_VIOLATION');
  return new KtoolError(hit[0], explain ? `${hit[1]}: ${reason}` : hit[1], { exitCode: EXIT.failed, hint: hit[2], cause });
}

/** Node's codes for a host name that does not resolve (getaddrinfo). */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

/**
 * A connection that failed, named by the broker kafkajs was connecting to (KafkaJSConnectionError's `broker` and Node's
 * `code`): which broker, and why (refused, DNS, no TCP answer). It need not be a bootstrap broker: a leader or coordinator
 * the metadata names may be the one that is down, while the bootstrap broker answered.
 */
function connectionError(chain: Array<{ name?: string; code?: unknown; broker?: unknown; message?: string }>, options: ConnectionOptions, cause: unknown): KtoolError | undefined {
  const link = chain.find((x) => x.name === 'KafkaJSConnectionError' && typeof x.broker === 'string');
  if (!link) return undefined;
  const broker = link.broker as string;
  const code = typeof link.code === 'string' ? link.code : undefined;
  const bootstrap = options.brokers.includes(broker);
  const where = bootstrap ? `Kafka at ${broker}` : `broker ${broker}`;
  // Not a bootstrap broker: the cluster's metadata names it (a partition leader, a coordinator), so it was up not long ago.
  const listed = bootstrap
    ? ''
    : ` (the cluster's metadata still lists it; ${options.brokers.join(',')} answered)`;
  const downHint =
    'a broker of the cluster is down: once the controller fences it (~9 s with KRaft defaults) its partitions move to other replicas, if they have any; retry then. ' +
    'If most of the KRaft controllers are down too, the metadata quorum is lost and nothing moves until they return (`ktopics describe TOPIC` shows the leaders)';
  if (code !== undefined && DNS_CODES.has(code)) {
    const host = broker.slice(0, broker.lastIndexOf(':'));
    return new KtoolError('BROKER_UNREACHABLE', `could not reach ${where}${listed}: the host name "${host}" does not resolve (DNS: ${code})`, {
      exitCode: EXIT.unreachable,
      hint: bootstrap ? 'check the host name in -b/--brokers (or KAFKA_BROKERS): a typo? is it in DNS or /etc/hosts?' : 'the broker advertises a name this machine cannot resolve: fix its advertised.listeners, or add the name to DNS or /etc/hosts',
      cause,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new KtoolError('BROKER_UNREACHABLE', `could not reach ${where}${listed}: connection refused (nothing listens on that port)`, {
      exitCode: EXIT.unreachable,
      hint: bootstrap ? 'is a broker running there? start one with `npx kstack up`, or point -b/--brokers (or KAFKA_BROKERS) at yours' : downHint,
      cause,
    });
  }
  if (code === undefined && link.message === 'Connection timeout') {
    return new KtoolError('BROKER_UNREACHABLE', `could not reach ${where}${listed}: no TCP connection within ${Math.min(options.timeoutMs, 5_000)} ms`, {
      exitCode: EXIT.unreachable,
      hint: bootstrap ? 'is the address right, and does a firewall let it through? --timeout MS waits longer' : downHint,
      cause,
    });
  }
  if (!bootstrap) {
    return new KtoolError('BROKER_UNREACHABLE', `could not reach ${where}${listed}${code ? `: ${code}` : ''}`, { exitCode: EXIT.unreachable, hint: downHint, cause });
  }
  return undefined;
}

/** Node's codes for a certificate chain the client does not trust. */
const UNTRUSTED_CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Authentication and TLS failures, by kafkajs class, protocol error type and Node's TLS error code (never message text).
 * Wrong credentials are not retried by kafkajs (KafkaJSSASLAuthenticationError is non-retriable), so they fail at once;
 * the messages name the user and mechanism, never the password.
 */
function securityError(chain: Array<{ name?: string; type?: string; code?: unknown }>, options: ConnectionOptions, cause: unknown): KtoolError | undefined {
  const sasl = options.sasl;
  const mech = sasl?.mechanism.toUpperCase();
  if (chain.some((x) => x.name === 'KafkaJSSASLAuthenticationError' || x.type === 'SASL_AUTHENTICATION_FAILED')) {
    return new KtoolError('AUTHENTICATION_FAILED', `authentication failed${sasl ? ` for user "${sasl.username}" (${mech})` : ''}`, {
      exitCode: EXIT.auth,
      hint: 'check the user name and password, and that the user exists for this mechanism (SCRAM users are created per mechanism, PLAIN users in the broker\'s JAAS config)',
      cause,
    });
  }
  if (chain.some((x) => x.type === 'UNSUPPORTED_SASL_MECHANISM')) {
    return new KtoolError('AUTHENTICATION_FAILED', `authentication failed: the broker does not accept SASL ${mech ?? ''}`.trimEnd(), {
      exitCode: EXIT.auth,
      hint: 'use a mechanism in the listener\'s sasl.enabled.mechanisms (--sasl-mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)',
      cause,
    });
  }
  if (chain.some((x) => x.type === 'ILLEGAL_SASL_STATE')) {
    return new KtoolError('AUTHENTICATION_FAILED', `authentication failed: ${options.brokers.join(',')} does not expect SASL on this listener`, {
      exitCode: EXIT.auth,
      hint: 'drop --sasl-mechanism for a PLAINTEXT or SSL listener, or point -b at the broker\'s SASL_PLAINTEXT / SASL_SSL port',
      cause,
    });
  }
  const code = chain.map((x) => x.code).find((c): c is string => typeof c === 'string');
  if (code !== undefined && UNTRUSTED_CERT_CODES.has(code)) {
    return new KtoolError('TLS_UNTRUSTED', `the broker's TLS certificate is not trusted (${code})`, {
      exitCode: EXIT.auth,
      hint: options.tls?.ca ? 'the CA given with --ca did not sign this broker\'s certificate: give the right one' : 'give the CA that signed it with --ca FILE (PEM); --insecure skips the check, for test brokers only',
      cause,
    });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new KtoolError('TLS_HOSTNAME_MISMATCH', `the broker's TLS certificate does not name the host it was reached at (${options.brokers.join(',')})`, {
      exitCode: EXIT.auth,
      hint: 'connect by a name or address in the certificate\'s subjectAltName; --insecure skips the check, for test brokers only',
      cause,
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new KtoolError('TLS_CERT_EXPIRED', `the broker's TLS certificate is not valid now (${code})`, { exitCode: EXIT.auth, hint: 'the broker needs a current certificate', cause });
  }
  // A protocol mismatch looks like a dead connection; say which mismatch is likely (still exit 3).
  const closed = chain.some((x) => x.name === 'KafkaJSConnectionClosedError' || x.code === 'ECONNRESET' || x.code === 'EPIPE');
  if (closed && options.tls) {
    return new KtoolError('BROKER_UNREACHABLE', `could not reach Kafka at ${options.brokers.join(',')} within ${options.timeoutMs} ms: the connection was closed during the TLS handshake`, {
      exitCode: EXIT.unreachable,
      hint: 'is this a TLS (SSL or SASL_SSL) listener? a PLAINTEXT or SASL_PLAINTEXT port drops TLS connections: drop --tls/--ca/--insecure, or use the TLS port',
      cause,
    });
  }
  if (closed) {
    return new KtoolError('BROKER_UNREACHABLE', `could not reach Kafka at ${options.brokers.join(',')} within ${options.timeoutMs} ms: the broker closed the connection`, {
      exitCode: EXIT.unreachable,
      hint: `is this a secured listener? a TLS port needs --tls (and --ca), a SASL port needs --sasl-mechanism and --username; or is the broker shutting down?`,
      cause,
    });
  }
  return undefined;
}
