// The serde produce and consume call: decode(framed bytes) with each schema fetched once; an encoder for one schema spec.
// The format libraries (avsc, protobufjs, ajv) load on first use only.
import { EXIT, KtoolError } from '../errors.js';
import { RegistryClient, type SchemaText, type SchemaType } from './client.js';
import { SchemaParseError, SchemaValueError, type Codec, type CompileInput } from './codec.js';
import { readSchemaFile, type SchemaSpec } from './source.js';
import { frame, isFramed, unframe } from './wire.js';

export { isFramed };

export interface SchemaInfo {
  id: number;
  type: SchemaType;
  subject?: string;
  version?: number;
}

export interface Decoded {
  value: unknown;
  schema: SchemaInfo;
}

/** Confluent's default TopicNameStrategy. */
export const subjectFor = (topic: string, isKey: boolean) => `${topic}-${isKey ? 'key' : 'value'}`;

async function compile(type: SchemaType, input: CompileInput): Promise<Codec> {
  if (type === 'AVRO') return (await import('./formats/avro.js')).compileAvro(input);
  if (type === 'JSON') return (await import('./formats/json-schema.js')).compileJsonSchema(input);
  return (await import('./formats/protobuf.js')).compileProtobuf(input);
}

/** The texts a schema references, deepest first, each fetched once. */
async function referenced(client: RegistryClient, s: SchemaText, seen = new Set<string>()): Promise<CompileInput['references']> {
  const out: CompileInput['references'] = [];
  for (const ref of s.references) {
    const key = `${ref.subject}:${ref.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = await client.version(ref.subject, ref.version);
    out.push(...(await referenced(client, r, seen)), { name: ref.name, schema: r.schema });
  }
  return out;
}

async function compileText(client: RegistryClient, s: SchemaText, messageName?: string): Promise<Codec> {
  return compile(s.schemaType, { schema: s.schema, references: await referenced(client, s), ...(messageName ? { messageName } : {}) });
}

/** Decodes Confluent-framed keys and values; one fetch per schema id, shared by concurrent callers. */
export class SchemaDecoder {
  private readonly cache = new Map<number, Promise<{ codec: Codec; info: SchemaInfo[] }>>();
  constructor(private readonly client: RegistryClient) {}

  private load(id: number) {
    let p = this.cache.get(id);
    if (!p) {
      p = (async () => {
        let s: SchemaText;
        try {
          s = await this.client.schemaById(id);
        } catch (e) {
          throw new KtoolError('SCHEMA_NOT_FOUND', `schema id ${id} could not be fetched from the Schema Registry at ${this.client.url}: ${(e as Error).message}`, {
            exitCode: (e as KtoolError).exitCode ?? EXIT.failed,
            hint: (e as KtoolError).code === 'SCHEMA_NOT_FOUND' ? 'the value was written with a schema this registry does not hold: is it the registry its producer used? (--raw shows the bytes)' : (e as KtoolError).hint,
            cause: e,
          });
        }
        const codec = await compileText(this.client, s);
        const uses = await this.client.subjectVersionsOfId(id);
        const info: SchemaInfo[] = [...uses.map((u) => ({ id, type: s.schemaType, subject: u.subject, version: u.version })), { id, type: s.schemaType }];
        return { codec, info };
      })();
      this.cache.set(id, p);
    }
    return p;
  }

  /** undefined when the bytes are not framed (plain text, or null): those are shown as they are. */
  async decode(b: Buffer | null, where: { topic: string; isKey: boolean }): Promise<Decoded | undefined> {
    if (!isFramed(b)) return undefined;
    const { id, payload } = unframe(b);
    const { codec, info } = await this.load(id);
    const subject = subjectFor(where.topic, where.isKey);
    const schema = info.find((i) => i.subject === subject) ?? info[0]!;
    try {
      return { value: codec.decode(payload), schema };
    } catch (e) {
      throw new KtoolError('DECODE_FAILED', `cannot decode a ${where.isKey ? 'key' : 'value'} of ${where.topic} with schema id ${id} (${codec.type}): ${(e as Error).message}`, { cause: e });
    }
  }
}

export interface EncoderOptions {
  topic: string;
  isKey: boolean;
  /** Register a schema file under the topic's subject (default); false: it must be registered already. */
  register: boolean;
  /** Protobuf: the message to encode. */
  messageName?: string;
}

export interface Encoder {
  schema: SchemaInfo;
  /** A JSON value to framed bytes; throws SchemaValueError naming the field. */
  encode(value: unknown): Buffer;
}

/** Resolves a schema spec against the registry (registering a file unless told not to) and returns its encoder. */
export async function prepareEncoder(client: RegistryClient, spec: SchemaSpec, o: EncoderOptions): Promise<Encoder> {
  const subject = subjectFor(o.topic, o.isKey);
  let text: SchemaText;
  let info: SchemaInfo;
  if (spec.kind === 'file') {
    text = readSchemaFile(spec.path);
    // Parse it here first, so a broken file is named before anything reaches the registry.
    await compileOrExplain(client, text, o.messageName, spec.path);
    if (o.register) {
      const id = await client.register(subject, text);
      const found = await client.lookup(subject, text);
      info = { id, type: text.schemaType, subject, ...(found ? { version: found.version } : {}) };
    } else {
      const found = await client.lookup(subject, text);
      if (!found) throw new KtoolError('SCHEMA_NOT_REGISTERED', `${spec.path} is not registered under ${subject}`, { exitCode: EXIT.usage, hint: `drop --no-register, or register it first: kschemas register ${subject} ${spec.path}` });
      info = { id: found.id, type: text.schemaType, subject, version: found.version };
    }
  } else if (spec.kind === 'subject') {
    const v = await client.version(spec.subject, spec.version);
    text = v;
    info = { id: v.id, type: v.schemaType, subject: v.subject, version: v.version };
  } else {
    text = await client.schemaById(spec.id);
    info = { id: spec.id, type: text.schemaType };
  }
  const codec = await compileOrExplain(client, text, o.messageName, spec.kind === 'file' ? spec.path : `schema ${info.id}`);
  return { schema: info, encode: (value) => frame(info.id, codec.encode(value)) };
}

async function compileOrExplain(client: RegistryClient, text: SchemaText, messageName: string | undefined, what: string): Promise<Codec> {
  try {
    return await compileText(client, text, messageName);
  } catch (e) {
    if (e instanceof SchemaParseError) throw new KtoolError('BAD_SCHEMA', `${what}: ${e.message}`, { exitCode: EXIT.usage });
    throw e;
  }
}

export { SchemaValueError };
