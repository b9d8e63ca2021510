// kproduce with --value-schema / --key-schema: each message's JSON is encoded with its registry schema (lib/schemas) before it is sent.
import { EXIT, KtoolError, usageError } from '../errors.js';
import type { OutRecord } from '../kafka/index.js';
import type { RegistryConnection } from '../schemas/client.js';
import type { SchemaSpec } from '../schemas/source.js';

export interface SchemaFlags {
  valueSchema?: SchemaSpec;
  keySchema?: SchemaSpec;
  /** Protobuf: the message type of the value / key (default: the file's first). */
  valueMessage?: string;
  keyMessage?: string;
  /** false with --no-register: a schema file must already be registered under the subject. */
  register: boolean;
  registry?: RegistryConnection;
}

/** What a delivery report shows as the key of a record whose key was encoded: the key as given, not its frame. */
export const keyLabels = new WeakMap<OutRecord, string>();

/** Replaces a record's key and value bytes with their encoded form; throws naming the message number and the field. */
export type RecordSerializer = (r: OutRecord, item: Buffer, n: number, from: { jsonInput: boolean; keyFlag: boolean }) => OutRecord;

/** The JSON a text message stands for: JSON text, or else the text itself as a JSON string (so `-k user-1` fits a string schema). */
function jsonOf(b: Buffer | string): unknown {
  const text = typeof b === 'string' ? b : b.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    if (/^\s*[[{"]/.test(text)) throw new Error(`not valid JSON (${(e as Error).message})`);
    return text;
  }
}

/** What kproduce runs per message for schemas: an async look at the raw line first (to fetch schemas), then the encoding. */
export interface SchemaStage {
  /** --json-input lines that carry keySchema/valueSchema (as kconsume --json prints them): their schemas, fetched once. */
  prepare?: (item: Buffer, n: number) => Promise<void> | undefined;
  serialize: RecordSerializer;
}

type Encoder = Awaited<ReturnType<typeof import('../schemas/serde.js').prepareEncoder>>;
type LineSchemas = { key?: unknown; value?: unknown; keySchema?: { id?: unknown }; valueSchema?: { id?: unknown } };
const SCHEMA_FIELD = Buffer.from('Schema"');

/**
 * The schema stage, or undefined when nothing is to be encoded. Flags win; without one, a --json-input line's own
 * keySchema/valueSchema id is used, so `kconsume --json | kproduce --json-input` copies a topic of several schema versions
 * byte for byte. Such a line without a registry is an error: sending the decoded JSON as text would lose the framing.
 */
export async function schemaStage(topic: string, f: SchemaFlags, jsonInput: boolean): Promise<SchemaStage | undefined> {
  const flagged = f.valueSchema !== undefined || f.keySchema !== undefined;
  if (!flagged && !jsonInput) return undefined;
  if (flagged && !f.registry) throw usageError('--value-schema and --key-schema need a Schema Registry', 'pass --registry URL, set KAFKA_SCHEMA_REGISTRY_URL, or add "schemaRegistry" to your profile');
  const serde = f.registry ? await Promise.all([import('../schemas/client.js'), import('../schemas/serde.js')]) : undefined;
  const client = serde && f.registry ? new serde[0].RegistryClient(f.registry) : undefined;
  const prepareSpec = (spec: SchemaSpec | undefined, isKey: boolean, messageName?: string) =>
    spec && client && serde ? serde[1].prepareEncoder(client, spec, { topic, isKey, register: f.register, ...(messageName ? { messageName } : {}) }) : undefined;
  const [keyFlag, valueFlag] = await Promise.all([prepareSpec(f.keySchema, true, f.keyMessage), prepareSpec(f.valueSchema, false, f.valueMessage)]);
  const byId = new Map<string, Encoder>();
  const lineId = (line: LineSchemas | undefined, field: 'key' | 'value'): number | undefined => {
    const id = line?.[field === 'key' ? 'keySchema' : 'valueSchema']?.id;
    return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : undefined;
  };
  const parse = (item: Buffer): LineSchemas | undefined => (jsonInput && item.includes(SCHEMA_FIELD) ? (JSON.parse(item.toString('utf8')) as LineSchemas) : undefined);

  const prepare = (item: Buffer, n: number): Promise<void> | undefined => {
    if (!item.includes(SCHEMA_FIELD)) return undefined;
    let line: LineSchemas | undefined;
    try {
      line = parse(item);
    } catch {
      return undefined; // parseJsonRecord names the bad line
    }
    const missing = (['key', 'value'] as const).filter((field) => {
      const id = lineId(line, field);
      return id !== undefined && !(field === 'key' ? keyFlag : valueFlag) && !byId.has(`${field}:${id}`);
    });
    return missing.length ? fetchSchemas(line, missing, n) : undefined;
  };
  const fetchSchemas = async (line: LineSchemas | undefined, fields: Array<'key' | 'value'>, n: number): Promise<void> => {
    for (const field of fields) {
      const id = lineId(line, field)!;
      if (!client || !serde) {
        throw new KtoolError('NO_REGISTRY', `line ${n}: its ${field} was decoded with schema id ${id} (${field}Schema), and kproduce has no Schema Registry to encode it again`, {
          exitCode: EXIT.usage,
          hint: 'pass --registry URL (or KAFKA_SCHEMA_REGISTRY_URL), or drop keySchema/valueSchema from the input to send the JSON as text',
        });
      }
      byId.set(`${field}:${id}`, await serde[1].prepareEncoder(client, { kind: 'id', id }, { topic, isKey: field === 'key', register: false }));
    }
  };

  const serialize: RecordSerializer = (r, item, n, from) => {
    // Plain --json-input lines pay one byte search, not a second parse.
    if (!keyFlag && !valueFlag && !item.includes(SCHEMA_FIELD)) return r;
    // --json-input: the line's own JSON key and value (parseJsonRecord has checked the line); a -k key is text.
    const line = from.jsonInput ? (JSON.parse(item.toString('utf8')) as LineSchemas) : undefined;
    const encoderFor = (field: 'key' | 'value'): Encoder | undefined => {
      const flag = field === 'key' ? keyFlag : valueFlag;
      if (flag) return flag;
      if (field === 'key' && from.keyFlag) return undefined;
      const id = lineId(line, field);
      return id === undefined ? undefined : byId.get(`${field}:${id}`);
    };
    const encode = (enc: Encoder, field: 'key' | 'value', current: Buffer | string | null): Buffer | null => {
      const raw = line && !(field === 'key' && from.keyFlag) ? line[field] : current === null ? null : (() => {
        try {
          return jsonOf(current);
        } catch (e) {
          throw fail(n, field, enc.schema, (e as Error).message);
        }
      })();
      if (raw === null || raw === undefined) return null; // a tombstone or no key: nothing to encode
      try {
        return enc.encode(raw);
      } catch (e) {
        if (serde && e instanceof serde[1].SchemaValueError) throw fail(n, field, enc.schema, e.message);
        throw e;
      }
    };
    const key = encoderFor('key');
    const value = encoderFor('value');
    if (!key && !value) return r;
    const out: OutRecord = {
      ...r,
      ...(key && r.key !== null ? { key: encode(key, 'key', r.key) } : {}),
      ...(value ? { value: r.value === null ? null : encode(value, 'value', r.value) } : {}),
    };
    if (key && r.key !== null) keyLabels.set(out, line && !from.keyFlag ? JSON.stringify(line.key) : typeof r.key === 'string' ? r.key : r.key.toString('utf8'));
    return out;
  };
  return jsonInput ? { prepare, serialize } : { serialize };
}

function fail(n: number, field: string, schema: { id: number; type: string; subject?: string }, why: string): KtoolError {
  return new KtoolError('SCHEMA_MISMATCH', `message ${n}: the ${field} does not fit ${schema.subject ? `${schema.subject} ` : ''}(${schema.type.toLowerCase()}, id ${schema.id}): ${why}`, {
    exitCode: EXIT.failed,
    hint: 'nothing after it was sent; fix the message, or check the schema with `kschemas get`',
  });
}
