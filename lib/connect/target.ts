// Where kconnect sends its requests: --url / KAFKA_CONNECT_URL, basic auth and TLS from flags or the environment.
import { readPassword, readPem } from '../config/secrets.js';
import { usageError } from '../errors.js';
import { Secret } from '../config/secret.js';
import { DEFAULT_CONNECT_URL } from '../stack/versions.js';
import { ConnectClient } from './client.js';

export const CONNECT_ENV = {
  url: 'KAFKA_CONNECT_URL',
  user: 'KAFKA_CONNECT_USER',
  password: 'KAFKA_CONNECT_PASSWORD',
  passwordFile: 'KAFKA_CONNECT_PASSWORD_FILE',
} as const;

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export interface TargetFlags {
  url?: string;
  user?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  ca?: string;
  cert?: string;
  certKey?: string;
  insecure?: boolean;
  timeout?: number;
}

/** An http(s) URL; user:password in it work as basic auth. */
export function parseUrl(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw usageError(`"${value}" is not a URL`, 'give the worker\'s REST address, e.g. http://127.0.0.1:8083');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw usageError(`"${value}" is not an http:// or https:// URL`, 'e.g. http://127.0.0.1:8083');
  return value.replace(/\/+$/, '');
}

export function clientFrom(o: TargetFlags, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): ConnectClient {
  const url = parseUrl(o.url ?? (env[CONNECT_ENV.url] || DEFAULT_CONNECT_URL));
  const user = o.user ?? (env[CONNECT_ENV.user] || undefined);
  const passwordFile = o.passwordFile ?? (env[CONNECT_ENV.passwordFile] || undefined);
  let password: Secret | undefined;
  if (passwordFile) password = readPassword({ from: 'file', path: passwordFile });
  else if (o.passwordStdin) password = readPassword({ from: 'stdin' });
  else if (env[CONNECT_ENV.password]) password = new Secret(env[CONNECT_ENV.password]!);
  if (password && !user) throw usageError('a password was given but no user', `add --user NAME (or ${CONNECT_ENV.user})`);
  if (user && !password) throw usageError(`--user ${user} was given but no password`, `give it with --password-file FILE, --password-stdin or ${CONNECT_ENV.password}`);
  const tlsFlags = o.ca || o.cert || o.certKey || o.insecure;
  if (tlsFlags && !url.startsWith('https:')) throw usageError('TLS flags (--ca, --cert, --cert-key, --insecure) need an https:// URL', `the worker URL is ${url}`);
  if (!!o.cert !== !!o.certKey) throw usageError('--cert and --cert-key go together', 'give both, or neither');
  return new ConnectClient({
    url,
    timeoutMs: o.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(user && password ? { basic: { user, password } } : {}),
    ...(tlsFlags
      ? { tls: { ...(o.ca ? { ca: readPem(o.ca, 'CA file', '--ca') } : {}), ...(o.cert ? { cert: readPem(o.cert, 'certificate file', '--cert') } : {}), ...(o.certKey ? { key: readPem(o.certKey, 'key file', '--cert-key') } : {}), insecure: o.insecure === true } }
      : {}),
    ...(signal ? { signal } : {}),
  });
}
