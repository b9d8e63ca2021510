// The connection flags every Kafka command shares (brokers, security, profile); merged with env and the config file by lib/config/config.ts.
import { Option, type Command } from 'commander';
import { parseBrokerList, parseTimeoutMs } from './options.js';
import { readPassword, readPem, type StdinInfo } from '../config/secrets.js';
import { DEFAULT_CLIENT_ID, DEFAULT_TIMEOUT_MS, ENV, mergeSettings, parseSaslMechanism, resolveSettings, compact, envSettings, type Settings } from '../config/config.js';
import { profileSettings } from '../config/file.js';
import { usageError } from '../errors.js';
import { Secret } from '../config/secret.js';
import { DEFAULT_BROKERS } from '../stack/versions.js';
import type { ConnectionOptions, SaslMechanism, TlsSettings } from '../kafka/index.js';

export { DEFAULT_TIMEOUT_MS };

/**
 * No commander defaults or .env() here: a flag's value is only ever what the user typed, so lib/config/config.ts can put the
 * environment and the profile between the flags and the defaults.
 */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-b, --brokers <list>', `bootstrap brokers, host:port[,host:port] (default: ${ENV.brokers}, the profile's, else ${DEFAULT_BROKERS})`).argParser(parseBrokerList))
    .option('--client-id <id>', `client id the brokers see (default: the profile's, else ${DEFAULT_CLIENT_ID})`)
    .addOption(new Option('--timeout <ms>', `how long to wait for Kafka before giving up (default: the profile's, else ${DEFAULT_TIMEOUT_MS})`).argParser(parseTimeoutMs))
    .option('--debug', 'kafkajs logs and stack traces on stderr (credentials are never shown)', false)
    .option('--profile <name>', `a profile of the config file (${ENV.profile}; file: ${ENV.config}, else ~/.config/ktool/config.json)`)
    .addOption(new Option('--sasl-mechanism <mechanism>', `SASL authentication: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (${ENV.saslMechanism})`).argParser(parseSaslMechanism))
    .option('--username <name>', `SASL user name (${ENV.username})`)
    .addOption(new Option('--password <password>', `SASL password; visible in ps, prefer --password-file, --password-stdin or ${ENV.password}`).conflicts(['passwordFile', 'passwordStdin']))
    .addOption(new Option('--password-file <file>', `read the SASL password from a file (${ENV.passwordFile})`).conflicts('passwordStdin'))
    .option('--password-stdin', 'read the SASL password from stdin (not with kproduce reading messages from stdin)')
    .option('--tls', `connect with TLS (${ENV.tls}=1); implied by --ca, --cert, --insecure`)
    .option('--ca <file>', `trust this CA certificate (PEM) instead of the system's (${ENV.ca})`)
    .option('--cert <file>', `client certificate (PEM) for mTLS, with --cert-key (${ENV.cert})`)
    .option('--cert-key <file>', `private key (PEM) of --cert (${ENV.key})`)
    .option('--insecure', 'TLS without checking the broker\'s certificate or host name (test brokers only)');
}

/** What commander hands the action for the flags above; absent means not given. */
export interface ConnectionFlags {
  brokers?: string[];
  clientId?: string;
  timeout?: number;
  debug?: boolean;
  profile?: string;
  saslMechanism?: SaslMechanism;
  username?: string;
  password?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  tls?: boolean;
  ca?: string;
  cert?: string;
  certKey?: string;
  insecure?: boolean;
}

export function flagSettings(o: ConnectionFlags): Settings {
  const password = o.password !== undefined ? { from: 'value' as const, value: new Secret(o.password) } : o.passwordFile !== undefined ? { from: 'file' as const, path: o.passwordFile } : o.passwordStdin ? { from: 'stdin' as const } : undefined;
  return compact({
    brokers: o.brokers,
    clientId: o.clientId,
    timeoutMs: o.timeout,
    saslMechanism: o.saslMechanism,
    username: o.username,
    password,
    tls: o.tls,
    ca: o.ca,
    cert: o.cert,
    key: o.certKey,
    insecure: o.insecure,
  });
}

export interface ConnectionContext extends StdinInfo {
  env?: NodeJS.ProcessEnv;
  /** Where the --password warning goes. */
  warn?: (line: string) => void;
}

/**
 * The one frozen ConnectionOptions for a command: flags > environment > config file profile > defaults, then the
 * password and PEM files read. Throws usage errors (exit 2) for anything inconsistent, before any connection is tried.
 */
export function connectionFrom(o: ConnectionFlags, ctx: ConnectionContext = {}): ConnectionOptions {
  const env = ctx.env ?? process.env;
  const flags = flagSettings(o);
  const profileName = o.profile ?? (env[ENV.profile] || undefined);
  const merged = mergeSettings([flags, envSettings(env), profileSettings(env, profileName)]);
  const r = resolveSettings(merged);
  if (flags.password !== undefined && !r.sasl) throw usageError('a password was given but no SASL mechanism', 'add --sasl-mechanism and --username, or drop the password flag');
  if (o.password !== undefined && r.sasl?.password === flags.password) {
    (ctx.warn ?? ((l) => process.stderr.write(`${l}\n`)))(`warning: --password is visible to other users of this machine (ps); prefer --password-file, --password-stdin or ${ENV.password}`);
  }
  const tls: TlsSettings | undefined = r.tls && {
    ...(r.tls.ca ? { ca: readPem(r.tls.ca, 'CA file', '--ca') } : {}),
    ...(r.tls.cert ? { cert: readPem(r.tls.cert, 'certificate file', '--cert') } : {}),
    ...(r.tls.key ? { key: readPem(r.tls.key, 'key file', '--cert-key') } : {}),
    insecure: r.tls.insecure,
  };
  return Object.freeze({
    brokers: r.brokers,
    clientId: r.clientId,
    timeoutMs: r.timeoutMs,
    debug: o.debug === true,
    ...(r.sasl ? { sasl: Object.freeze({ mechanism: r.sasl.mechanism, username: r.sasl.username, password: readPassword(r.sasl.password, ctx) }) } : {}),
    ...(tls ? { tls: Object.freeze(tls) } : {}),
  });
}
