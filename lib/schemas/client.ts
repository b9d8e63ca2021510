// A client of Confluent's Schema Registry REST API (also served by Apicurio under /apis/ccompat/v7): fetch, a timeout on every call, one error vocabulary.
import { EXIT, KtoolError } from '../errors.js';

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';
export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'JSON', 'PROTOBUF'];

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as the registry stores it; Confluent leaves schemaType out for Avro. */
export interface SchemaText {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface SubjectVersion extends SchemaText {
  subject: string;
  version: number;
  id: number;
}

export interface Compatibility {
  compatible: boolean;
  /** Why not, when the registry says (Confluent with ?verbose=true; Apicurio through its dry run). */
  messages: string[];
}

export interface RegistryConnection {
  /** Up to and including the API root, e.g. http://localhost:8081 or http://127.0.0.1:8081/apis/ccompat/v7. */
  url: string;
  timeoutMs: number;
  /** HTTP basic auth, from the URL's user:password@ or the profile. */
  auth?: { username: string; password: string };
  /** Ctrl-C: a request in flight is abandoned at once (exit 130). */
  signal?: AbortSignal;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions). */
const NOT_FOUND: Record<number, string> = {
  40401: 'SUBJECT_NOT_FOUND',
  40402: 'VERSION_NOT_FOUND',
  40403: 'SCHEMA_NOT_FOUND',
  40404: 'SUBJECT_SOFT_DELETED',
  40405: 'SUBJECT_NOT_SOFT_DELETED',
  40406: 'VERSION_SOFT_DELETED',
  40407: 'VERSION_NOT_SOFT_DELETED',
  40408: 'SUBJECT_CONFIG_NOT_FOUND',
};

export class RegistryError extends KtoolError {
  readonly status: number;
  readonly registryCode: number | undefined;
  constructor(code: string, message: string, status: number, registryCode: number | undefined, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(code, message, options);
    this.status = status;
    this.registryCode = registryCode;
  }
}

const normaliseType = (t: unknown): SchemaType => (t === 'JSON' || t === 'PROTOBUF' ? t : 'AVRO');
const toText = (r: { schemaType?: string; schema: string; references?: SchemaReference[] }): SchemaText => ({
  schemaType: normaliseType(r.schemaType),
  schema: r.schema,
  references: r.references ?? [],
});

/** Splits user:password@ off a URL, so it is sent as basic auth and never printed. */
export function parseRegistryUrl(raw: string): { url: string; auth?: { username: string; password: string } } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KtoolError('USAGE', `"${raw}" is not a Schema Registry URL`, { exitCode: EXIT.usage, hint: 'give one like http://localhost:8081' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new KtoolError('USAGE', `the Schema Registry URL must be http:// or https://, got "${u.protocol}"`, { exitCode: EXIT.usage });
  const auth = u.username ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : undefined;
  u.username = '';
  u.password = '';
  const url = u.toString().replace(/\/+$/, '');
  return auth ? { url, auth } : { url };
}

export class RegistryClient {
  readonly url: string;
  constructor(private readonly conn: RegistryConnection) {
    this.url = conn.url.replace(/\/+$/, '');
  }

  /** One request; JSON in and out. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
    if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
    if (this.conn.auth) headers.authorization = `Basic ${Buffer.from(`${this.conn.auth.username}:${this.conn.auth.password}`).toString('base64')}`;
    let res: Response;
    let text: string;
    const deadline = this.deadline();
    try {
      res = await fetch(`${this.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: deadline.signal });
      text = await res.text();
    } catch (e) {
      throw this.unreachable(e, deadline.timedOut());
    } finally {
      deadline.clear();
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) return json as T;
    const payload = (json ?? {}) as { error_code?: number; message?: string };
    const registryCode = typeof payload.error_code === 'number' ? payload.error_code : undefined;
    const message = payload.message ?? (text.trim().slice(0, 200) || res.statusText);
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError('REGISTRY_AUTH', `the Schema Registry at ${this.url} refused the request (${res.status}): ${message}`, res.status, registryCode, {
        exitCode: EXIT.auth,
        hint: 'give credentials in the URL (https://user:password@host) or check them',
      });
    }
    const code = (registryCode === undefined ? undefined : NOT_FOUND[registryCode]) ?? (res.status === 409 ? 'INCOMPATIBLE' : res.status === 422 ? 'INVALID_SCHEMA' : res.status === 404 ? 'NOT_FOUND' : 'REGISTRY_ERROR');
    throw new RegistryError(code, `Schema Registry: ${message}${registryCode ? ` (error ${registryCode})` : ` (HTTP ${res.status})`}`, res.status, registryCode);
  }

  /** Aborts at the timeout or on Ctrl-C. A timer of our own: AbortSignal.any over AbortSignal.timeout never fired on Node 20 here. */
  private deadline(): { signal: AbortSignal; timedOut(): boolean; clear(): void } {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.conn.timeoutMs);
    const onInterrupt = () => controller.abort();
    this.conn.signal?.addEventListener('abort', onInterrupt);
    if (this.conn.signal?.aborted) controller.abort();
    return {
      signal: controller.signal,
      timedOut: () => timedOut,
      clear: () => {
        clearTimeout(timer);
        this.conn.signal?.removeEventListener('abort', onInterrupt);
      },
    };
  }

  private unreachable(e: unknown, timedOut: boolean): KtoolError {
    if (this.conn.signal?.aborted && !timedOut) return new KtoolError('INTERRUPTED', 'interrupted while waiting for the Schema Registry', { exitCode: EXIT.interrupted, cause: e });
    const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
    if (timedOut) {
      return new KtoolError('REGISTRY_TIMEOUT', `the Schema Registry at ${this.url} did not answer within ${this.conn.timeoutMs} ms`, {
        exitCode: EXIT.unreachable,
        hint: 'check the URL (--registry, KAFKA_SCHEMA_REGISTRY_URL), or allow more time with --timeout MS',
        cause: e,
      });
    }
    const why = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
    return new KtoolError('REGISTRY_UNREACHABLE', `cannot reach the Schema Registry at ${this.url}: ${why}`, {
      exitCode: EXIT.unreachable,
      hint: 'is it running (`kstack up --registry`)? check the URL (--registry, KAFKA_SCHEMA_REGISTRY_URL)',
      cause: e,
    });
  }

  subjects(deleted = false): Promise<string[]> {
    return this.request('GET', `/subjects${deleted ? '?deleted=true' : ''}`);
  }

  versions(subject: string): Promise<number[]> {
    return this.request('GET', `/subjects/${enc(subject)}/versions`);
  }

  async version(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    const r = await this.request<{ subject: string; version: number; id: number; schemaType?: string; schema: string; references?: SchemaReference[] }>('GET', `/subjects/${enc(subject)}/versions/${version}`);
    return { subject: r.subject, version: r.version, id: r.id, ...toText(r) };
  }

  async schemaById(id: number): Promise<SchemaText> {
    return toText(await this.request('GET', `/schemas/ids/${id}`));
  }

  /** Which subject versions use a schema id; empty when the registry does not say. */
  async subjectVersionsOfId(id: number): Promise<Array<{ subject: string; version: number }>> {
    try {
      return await this.request('GET', `/schemas/ids/${id}/versions`);
    } catch (e) {
      if (e instanceof RegistryError) return [];
      throw e;
    }
  }

  /** Registers (or finds, when the same schema is there) a schema under a subject; its global id. */
  async register(subject: string, s: SchemaText): Promise<number> {
    const r = await this.request<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, body(s));
    return r.id;
  }

  /** The version of a subject holding this schema; undefined if none does. */
  async lookup(subject: string, s: SchemaText): Promise<SubjectVersion | undefined> {
    try {
      const r = await this.request<{ subject: string; version: number; id: number; schemaType?: string; schema: string; references?: SchemaReference[] }>('POST', `/subjects/${enc(subject)}`, body(s));
      return { subject: r.subject, version: r.version, id: r.id, ...toText(r) };
    } catch (e) {
      if (e instanceof RegistryError && (e.registryCode === 40401 || e.registryCode === 40403)) return undefined;
      throw e;
    }
  }

  /**
   * Compatibility of a schema with a subject's version (latest by default). Confluent gives reasons with ?verbose=true;
   * Apicurio gives none there, so its own API's dry run of a new version is asked for them.
   */
  async compatibility(subject: string, s: SchemaText, version: number | 'latest' = 'latest'): Promise<Compatibility> {
    const r = await this.request<{ is_compatible: boolean; messages?: string[] }>('POST', `/compatibility/subjects/${enc(subject)}/versions/${version}?verbose=true`, body(s));
    const messages = r.messages ?? [];
    if (r.is_compatible || messages.length > 0) return { compatible: r.is_compatible, messages };
    return { compatible: false, messages: await this.apicurioReasons(subject, s) };
  }

  private async apicurioReasons(subject: string, s: SchemaText): Promise<string[]> {
    const root = this.url.replace(/\/apis\/ccompat\/v\d+$/, '');
    if (root === this.url) return [];
    const deadline = this.deadline();
    try {
      const res = await fetch(`${root}/apis/registry/v3/groups/default/artifacts/${enc(subject)}/versions?dryRun=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.conn.auth ? { authorization: `Basic ${Buffer.from(`${this.conn.auth.username}:${this.conn.auth.password}`).toString('base64')}` } : {}) },
        body: JSON.stringify({ content: { content: s.schema, contentType: s.schemaType === 'PROTOBUF' ? 'application/x-protobuf' : 'application/json' } }),
        signal: deadline.signal,
      });
      const j = (await res.json()) as { causes?: Array<{ description?: string; context?: string }>; title?: string };
      if (j.causes?.length) return j.causes.map((c) => [c.description, c.context && `at ${c.context}`].filter(Boolean).join(' '));
      return j.title ? [j.title] : [];
    } catch {
      return [];
    } finally {
      deadline.clear();
    }
  }

  /** The compatibility level of a subject (falling back to the global one) or the global one. */
  async getConfig(subject?: string): Promise<string> {
    const r = await this.request<{ compatibilityLevel?: string; compatibility?: string }>('GET', subject ? `/config/${enc(subject)}?defaultToGlobal=true` : '/config');
    return r.compatibilityLevel ?? r.compatibility ?? 'unknown';
  }

  async setConfig(level: string, subject?: string): Promise<string> {
    const r = await this.request<{ compatibility?: string; compatibilityLevel?: string }>('PUT', subject ? `/config/${enc(subject)}` : '/config', { compatibility: level });
    return r.compatibility ?? r.compatibilityLevel ?? level;
  }

  /** Soft-deletes a subject (its versions are listed back); permanent removes it for good, soft-deleting first as Confluent requires. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    let versions: number[] | undefined;
    try {
      versions = await this.request<number[]>('DELETE', `/subjects/${enc(subject)}`);
    } catch (e) {
      if (!(permanent && e instanceof RegistryError && e.registryCode === 40404)) throw e;
    }
    if (!permanent) return versions ?? [];
    return this.request<number[]>('DELETE', `/subjects/${enc(subject)}?permanent=true`);
  }

  async deleteVersion(subject: string, version: number | 'latest', permanent: boolean): Promise<number> {
    let deleted: number | undefined;
    try {
      deleted = await this.request<number>('DELETE', `/subjects/${enc(subject)}/versions/${version}`);
    } catch (e) {
      if (!(permanent && e instanceof RegistryError && e.registryCode === 40406)) throw e;
    }
    if (!permanent) return deleted!;
    return this.request<number>('DELETE', `/subjects/${enc(subject)}/versions/${deleted ?? version}?permanent=true`);
  }
}

const enc = encodeURIComponent;
const body = (s: SchemaText) => ({
  schema: s.schema,
  ...(s.schemaType === 'AVRO' ? {} : { schemaType: s.schemaType }),
  ...(s.references.length ? { references: s.references } : {}),
});
