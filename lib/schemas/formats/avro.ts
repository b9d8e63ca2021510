// Avro with avsc: values in and out as Avro's JSON encoding (unions wrapped: {"string": "x"}), as Confluent's console tools print them.
import type { Type } from 'avsc';
import { SchemaParseError, SchemaValueError, show, type Codec, type CompileInput } from '../codec.js';

export async function compileAvro(input: CompileInput): Promise<Codec> {
  const { default: avro } = await import('avsc');
  const registry: Record<string, Type> = {};
  let type: Type;
  try {
    for (const ref of input.references) avro.Type.forSchema(JSON.parse(ref.schema), { registry });
    type = avro.Type.forSchema(JSON.parse(input.schema), { registry });
  } catch (e) {
    throw new SchemaParseError(`not a valid Avro schema: ${(e as Error).message}`);
  }
  return {
    type: 'AVRO',
    encode(value) {
      // avsc drops fields the schema does not have without a word; a typo must not vanish silently.
      const extra = unknownField(type, value, []);
      if (extra) throw new SchemaValueError(extra.path.join('.'), `no such field in record ${extra.record.name} (fields: ${extra.record.fields.join(', ')})`);
      // Avro's JSON encoding first (what decode prints); then a plain value (unwrapped unions) when it is unambiguous.
      let v: unknown;
      try {
        v = type.fromString(JSON.stringify(value));
      } catch {
        if (!type.isValid(value)) throw avroError(type, value);
        v = value;
      }
      return type.toBuffer(v);
    },
    decode(payload) {
      return JSON.parse(type.toString(type.fromBuffer(payload)));
    },
  };
}

function avroError(type: Type, value: unknown): SchemaValueError {
  let found: SchemaValueError | undefined;
  type.isValid(value, {
    errorHook: (path, v, t) => {
      found ??= new SchemaValueError(path.join('.'), v === undefined ? `missing (type ${t.toString()})` : `expected ${t.toString()}, got ${show(v)}`);
    },
  });
  return found ?? new SchemaValueError('', `does not fit the schema: ${show(value)}`);
}

interface AvroTypeLike {
  typeName: string;
  name?: string;
  branchName?: string;
  fields?: Array<{ name: string; type: AvroTypeLike }>;
  itemsType?: AvroTypeLike;
  valuesType?: AvroTypeLike;
  types?: AvroTypeLike[];
  isValid(v: unknown): boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** The first key of a record value (at any depth) that its schema does not declare. */
function unknownField(t: Type | AvroTypeLike, v: unknown, path: string[]): { path: string[]; record: { name: string; fields: string[] } } | undefined {
  const type = t as AvroTypeLike;
  if ((type.typeName === 'record' || type.typeName === 'error') && isPlainObject(v)) {
    const fields = type.fields ?? [];
    const extra = Object.keys(v).find((k) => !fields.some((f) => f.name === k));
    if (extra !== undefined) return { path: [...path, extra], record: { name: type.name ?? 'record', fields: fields.map((f) => f.name) } };
    for (const f of fields) {
      const found = f.name in v ? unknownField(f.type, v[f.name], [...path, f.name]) : undefined;
      if (found) return found;
    }
  } else if (type.typeName === 'array' && Array.isArray(v) && type.itemsType) {
    for (const [i, x] of v.entries()) {
      const found = unknownField(type.itemsType, x, [...path, String(i)]);
      if (found) return found;
    }
  } else if (type.typeName === 'map' && isPlainObject(v) && type.valuesType) {
    for (const [k, x] of Object.entries(v)) {
      const found = unknownField(type.valuesType, x, [...path, k]);
      if (found) return found;
    }
  } else if (type.typeName.startsWith('union') && type.types && v !== null) {
    // Avro's JSON encoding names the branch ({"string": "x"}); a plain value goes to the first branch it fits.
    const keys = isPlainObject(v) ? Object.keys(v) : [];
    const named = keys.length === 1 ? type.types.find((b) => b.branchName === keys[0]) : undefined;
    if (named) return unknownField(named, (v as Record<string, unknown>)[keys[0]!], path);
    const branch = type.types.find((b) => b.typeName === 'record' ? isPlainObject(v) : b.isValid(v));
    if (branch) return unknownField(branch, v, path);
  }
  return undefined;
}
