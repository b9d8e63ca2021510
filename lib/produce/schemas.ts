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

export async function schemaSerializer(topic: string, f: SchemaFlags): Promise<RecordSerializer | undefined> {
  if (!f.valueSchema && !f.keySchema) return undefined;
  if (!f.registry) throw usageError('--value-schema and --key-schema need a Schema Registry', 'pass --registry URL, set KAFKA_SCHEMA_REGISTRY_URL, or add "schemaRegistry" to your profile');
  const [{ RegistryClient }, { prepareEncoder, SchemaValueError }] = await Promise.all([import('../schemas/client.js'), import('../schemas/serde.js')]);
  const client = new RegistryClient(f.registry);
  const prepare = (spec: SchemaSpec | undefined, isKey: boolean, messageName?: string) =>
    spec ? prepareEncoder(client, spec, { topic, isKey, register: f.register, ...(messageName ? { messageName } : {}) }) : undefined;
  const [key, value] = await Promise.all([prepare(f.keySchema, true, f.keyMessage), prepare(f.valueSchema, false, f.valueMessage)]);

  return (r, item, n, from) => {
    // --json-input: the line's own JSON key and value (parseJsonRecord has checked the line); a -k key is text.
    const line = from.jsonInput ? (JSON.parse(item.toString('utf8')) as { key?: unknown; value?: unknown }) : undefined;
    const encode = (enc: NonNullable<typeof key>, field: 'key' | 'value', current: Buffer | string | null): Buffer | null => {
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
        if (e instanceof SchemaValueError) throw fail(n, field, enc.schema, e.message);
        throw e;
      }
    };
    const out: OutRecord = {
      ...r,
      ...(key && r.key !== null ? { key: encode(key, 'key', r.key) } : {}),
      ...(value ? { value: r.value === null ? null : encode(value, 'value', r.value) } : {}),
    };
    if (key && r.key !== null) keyLabels.set(out, typeof r.key === 'string' ? r.key : r.key.toString('utf8'));
    return out;
  };
}

function fail(n: number, field: string, schema: { id: number; type: string; subject?: string }, why: string): KtoolError {
  return new KtoolError('SCHEMA_MISMATCH', `message ${n}: the ${field} does not fit ${schema.subject ? `${schema.subject} ` : ''}(${schema.type.toLowerCase()}, id ${schema.id}): ${why}`, {
    exitCode: EXIT.failed,
    hint: 'nothing after it was sent; fix the message, or check the schema with `kschemas get`',
  });
}
