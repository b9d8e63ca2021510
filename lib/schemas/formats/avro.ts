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
