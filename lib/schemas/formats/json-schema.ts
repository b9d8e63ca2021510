// JSON Schema with ajv (draft-07 unless $schema names 2019-09 or 2020-12); the payload is the document's JSON text.
import { SchemaParseError, SchemaValueError, type Codec, type CompileInput } from '../codec.js';

export async function compileJsonSchema(input: CompileInput): Promise<Codec> {
  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(input.schema) as Record<string, unknown>;
  } catch (e) {
    throw new SchemaParseError(`not a valid JSON Schema (not JSON: ${(e as Error).message})`);
  }
  const draft = String(schema.$schema ?? '');
  const mod = draft.includes('2020-12') ? await import('ajv/dist/2020.js') : draft.includes('2019-09') ? await import('ajv/dist/2019.js') : await import('ajv');
  const Ajv = mod.default as unknown as typeof import('ajv').default;
  // Formats (email, date-time) are not checked: ajv needs a plugin for them, and Confluent's serializer skips them by default too.
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, logger: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    for (const ref of input.references) ajv.addSchema(JSON.parse(ref.schema), ref.name);
    validate = ajv.compile(schema);
  } catch (e) {
    throw new SchemaParseError(`not a valid JSON Schema: ${(e as Error).message}`);
  }
  return {
    type: 'JSON',
    encode(value) {
      if (!validate(value)) {
        const e = validate.errors?.[0];
        const missing = e?.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
        const path = (e?.instancePath ?? '').split('/').filter(Boolean).map(unescape);
        if (missing) path.push(missing);
        throw new SchemaValueError(path.join('.'), missing ? 'missing (required)' : (e?.message ?? 'does not fit the schema'));
      }
      return Buffer.from(JSON.stringify(value));
    },
    decode(payload) {
      return JSON.parse(payload.toString('utf8'));
    },
  };
}

const unescape = (p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~');
