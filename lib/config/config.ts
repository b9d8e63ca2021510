// Connection settings from four layers, merged once: flags > environment > config file profile > defaults. Pure but for env parsing.
import { InvalidArgumentError } from 'commander';
import { usageError } from '../errors.js';
import type { SaslMechanism } from '../kafka/index.js';
import { Secret } from './secret.js';
import { parseBrokerList } from '../cli/options.js';
import { DEFAULT_BROKERS } from '../stack/versions.js';

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
export const DEFAULT_CLIENT_ID = 'ktool';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Where a password comes from; read only after the layers are merged, so a losing source is never touched. */
export type PasswordSource = { from: 'value'; value: Secret } | { from: 'file'; path: string } | { from: 'stdin' };

/** One layer's settings; an absent key lets the next layer decide. Paths are absolute or relative to the cwd. */
export interface Settings {
  brokers?: string[];
  clientId?: string;
  timeoutMs?: number;
  saslMechanism?: SaslMechanism;
  username?: string;
  password?: PasswordSource;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  /** The Schema Registry's URL (kproduce/kconsume --registry, kschemas); read by lib/schemas/settings.ts. */
  schemaRegistry?: string;
}

/** The merged result, checked for consistency; files not read yet. */
export interface ResolvedSettings {
  brokers: string[];
  clientId: string;
  timeoutMs: number;
  sasl?: { mechanism: SaslMechanism; username: string; password: PasswordSource };
  tls?: { ca?: string; cert?: string; key?: string; insecure: boolean };
}

/** --sasl-mechanism and KAFKA_SASL_MECHANISM: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, any case. */
export function parseSaslMechanism(value: string): SaslMechanism {
  const v = value.trim().toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(v)) throw new InvalidArgumentError(`expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "${value}".`);
  return v;
}

/** KAFKA_TLS and friends: 1/true/yes or 0/false/no. */
export function parseBool(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}".`);
}

/** Environment variables we read; an empty one counts as unset. */
export const ENV = {
  brokers: 'KAFKA_BROKERS',
  saslMechanism: 'KAFKA_SASL_MECHANISM',
  username: 'KAFKA_USERNAME',
  password: 'KAFKA_PASSWORD',
  passwordFile: 'KAFKA_PASSWORD_FILE',
  tls: 'KAFKA_TLS',
  ca: 'KAFKA_CA',
  cert: 'KAFKA_CERT',
  key: 'KAFKA_CERT_KEY',
  schemaRegistry: 'KAFKA_SCHEMA_REGISTRY_URL',
  profile: 'KTOOL_PROFILE',
  config: 'KTOOL_CONFIG',
} as const;

/** The environment layer; a malformed value is a usage error that names the variable (never its value, it may be a secret). */
export function envSettings(env: NodeJS.ProcessEnv): Settings {
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const parse = <T>(name: string, fn: (v: string) => T): T | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    try {
      return fn(v);
    } catch (e) {
      throw usageError(`${name}: ${(e as Error).message}`, `fix or unset ${name}`);
    }
  };
  const password = get(ENV.password);
  const passwordFile = get(ENV.passwordFile);
  if (password !== undefined && passwordFile !== undefined) throw usageError(`both ${ENV.password} and ${ENV.passwordFile} are set`, 'unset one of them');
  return compact({
    brokers: parse(ENV.brokers, parseBrokerList),
    saslMechanism: parse(ENV.saslMechanism, parseSaslMechanism),
    username: get(ENV.username),
    password: password !== undefined ? { from: 'value', value: new Secret(password) } : passwordFile !== undefined ? { from: 'file', path: passwordFile } : undefined,
    tls: parse(ENV.tls, parseBool),
    ca: get(ENV.ca),
    cert: get(ENV.cert),
    key: get(ENV.key),
  });
}

/** Drops undefined keys, so `{...a, ...b}`-style reasoning and equality in tests work. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Per setting, the first layer that has it wins: pass them as [flags, env, profile]. */
export function mergeSettings(layers: readonly Settings[]): Settings {
  const merged: Settings = {};
  for (const layer of [...layers].reverse()) Object.assign(merged, compact(layer));
  return merged;
}

/** Fills in defaults and checks that the merged settings make one connection; the result is frozen. */
export function resolveSettings(s: Settings): Readonly<ResolvedSettings> {
  const out: ResolvedSettings = {
    brokers: s.brokers ?? [DEFAULT_BROKERS],
    clientId: s.clientId ?? DEFAULT_CLIENT_ID,
    timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const saslAsked = s.saslMechanism !== undefined || s.username !== undefined;
  if (saslAsked) {
    if (s.saslMechanism === undefined) throw usageError('a user name was given but no SASL mechanism', 'add --sasl-mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (or KAFKA_SASL_MECHANISM, or sasl.mechanism in the profile)');
    if (s.username === undefined) throw usageError(`SASL ${s.saslMechanism.toUpperCase()} needs a user name`, 'add --username NAME (or KAFKA_USERNAME, or sasl.username in the profile)');
    if (s.password === undefined) throw usageError(`SASL ${s.saslMechanism.toUpperCase()} needs a password for user "${s.username}"`, 'give it with --password-file FILE, --password-stdin, KAFKA_PASSWORD, or sasl.passwordFile in the profile');
    out.sasl = Object.freeze({ mechanism: s.saslMechanism, username: s.username, password: s.password });
  }
  if ((s.cert === undefined) !== (s.key === undefined)) {
    throw usageError(s.cert === undefined ? '--cert-key needs --cert' : '--cert needs --cert-key', 'a client certificate (mTLS) takes both its certificate and its private key, as PEM files');
  }
  const tlsAsked = s.tls === true || s.ca !== undefined || s.cert !== undefined || s.insecure === true;
  if (tlsAsked) out.tls = Object.freeze(compact({ ca: s.ca, cert: s.cert, key: s.key, insecure: s.insecure === true }));
  return Object.freeze(out);
}
