// The Kafka Connect REST API (https://kafka.apache.org/documentation/#connect_rest) over node:http(s): every request with
// a timeout, 409s of a rebalancing worker retried briefly, and every failure a KtoolError with a hint.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EXIT, KtoolError } from '../errors.js';
import type { Secret } from '../config/secret.js';

/**
 * Built-in fetch cannot take a CA, a client certificate or --insecure without undici's Agent (a dependency), so requests
 * go through node:http and node:https, which take them directly.
 */
export interface ConnectTarget {
  url: string;
  timeoutMs: number;
  /** HTTP basic auth, as Connect's BasicAuthSecurityRestExtension (and Confluent's RBAC proxies) expect it. */
  basic?: { user: string; password: Secret };
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure?: boolean };
  /** Ctrl-C: abort the request in flight. */
  signal?: AbortSignal;
}

export interface RestError {
  error_code?: number;
  message?: string;
}

export class ConnectClient {
  private readonly base: URL;
  constructor(readonly target: ConnectTarget) {
    this.base = new URL(target.url.endsWith('/') ? target.url : `${target.url}/`);
  }

  get url(): string {
    return this.base.href.replace(/\/$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /**
   * One call; a 409 (the worker is rebalancing, or its config is momentarily stale) is tried again every 250-1000 ms for
   * up to 10 s or the timeout, whichever is shorter, and so is a 500 that says a rebalance is expected (the same
   * refusal, as some endpoints report it: CI saw it from GET /connectors/NAME just after a create). Other failures
   * throw `ConnectHttpError` (status and message kept).
   */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const retryUntil = Date.now() + Math.min(10_000, this.target.timeoutMs);
    for (let delay = 250; ; delay = Math.min(delay * 2, 1_000)) {
      const res = await this.once(method, path, body);
      const rebalancing = res.status === 409 || (res.status >= 500 && /rebalance is expected|rebalance in progress/i.test(res.text));
      if (rebalancing && Date.now() + delay < retryUntil) {
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      if (res.status >= 200 && res.status < 300) return (res.text ? JSON.parse(res.text) : undefined) as T;
      throw httpError(method, path, res.status, res.text, this.url);
    }
  }

  private once(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const t = this.target;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
    const user = t.basic?.user ?? decodeURIComponent(url.username);
    const password = t.basic ? t.basic.password.reveal() : decodeURIComponent(url.password);
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    const tls = url.protocol === 'https:' ? { ...(t.tls?.ca ? { ca: t.tls.ca } : {}), ...(t.tls?.cert ? { cert: t.tls.cert } : {}), ...(t.tls?.key ? { key: t.tls.key } : {}), rejectUnauthorized: !t.tls?.insecure } : {};
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, ...tls, timeout: t.timeoutMs, ...(t.signal ? { signal: t.signal } : {}) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(unreachable(this.url, e, t.timeoutMs)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(t.signal?.aborted ? new KtoolError('INTERRUPTED', 'kconnect: interrupted', { exitCode: EXIT.interrupted }) : unreachable(this.url, e, t.timeoutMs)));
      req.end(payload);
    });
  }
}

/** A non-2xx answer: the status and Connect's own message, for commands to map (404 -> unknown connector, ...). */
export class ConnectHttpError extends KtoolError {
  constructor(
    readonly status: number,
    readonly restMessage: string,
    message: string,
    options: { exitCode: number; hint?: string },
  ) {
    super(status === 401 || status === 403 ? 'CONNECT_AUTH' : 'CONNECT_HTTP', message, options);
  }
}

function httpError(method: string, path: string, status: number, text: string, url: string): ConnectHttpError {
  let msg = text.trim();
  try {
    msg = (JSON.parse(text) as RestError).message ?? msg;
  } catch {
    // not JSON: a proxy's page; keep its text
  }
  const first = msg.split('\n')[0]?.slice(0, 500) || `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new ConnectHttpError(status, msg, `the Connect worker at ${url} refused the credentials (HTTP ${status}): ${first}`, {
      exitCode: EXIT.auth,
      hint: 'give its user with --user and the password with --password-file FILE (or KAFKA_CONNECT_USER / KAFKA_CONNECT_PASSWORD)',
    });
  }
  if (status === 409) {
    return new ConnectHttpError(status, msg, `the Connect worker is rebalancing and did not settle in time: ${first}`, { exitCode: EXIT.unreachable, hint: 'try again in a few seconds; `kstack logs connect` shows why' });
  }
  return new ConnectHttpError(status, msg, `${method} ${path} failed with HTTP ${status}: ${first}`, { exitCode: EXIT.failed });
}

function unreachable(url: string, e: NodeJS.ErrnoException, timeoutMs: number): KtoolError {
  const why =
    e.code === 'ECONNREFUSED'
      ? 'connection refused'
      : e.code === 'ETIMEDOUT'
        ? `no answer within ${timeoutMs} ms`
        : e.code === 'ENOTFOUND'
          ? 'unknown host'
          : /certificate|self.signed|SSL|TLS/i.test(e.message)
            ? `TLS: ${e.message}`
            : e.message;
  if (why.startsWith('TLS:')) {
    return new KtoolError('CONNECT_TLS', `cannot reach the Connect worker at ${url}: ${why}`, { exitCode: EXIT.auth, hint: 'trust its CA with --ca FILE (or --insecure for a test worker)', cause: e });
  }
  return new KtoolError('CONNECT_UNREACHABLE', `cannot reach the Connect worker at ${url}: ${why}`, {
    exitCode: EXIT.unreachable,
    hint: 'is it running? `kstack up --connect` starts one; point kconnect at another with --url URL or KAFKA_CONNECT_URL',
    cause: e,
  });
}
