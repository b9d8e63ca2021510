// What every schema format provides to the serde: JSON value <-> payload bytes (after the 5-byte frame header), and its value errors.
import type { SchemaType } from './client.js';

export interface Codec {
  readonly type: SchemaType;
  /** A JSON value to payload bytes; throws SchemaValueError naming the field when the value does not fit. */
  encode(value: unknown): Buffer;
  /** Payload bytes to a JSON value (Avro: its JSON encoding; Protobuf: its JSON mapping; JSON Schema: the document). */
  decode(payload: Buffer): unknown;
}

/** A schema's text and those it references (deepest first), as the registry holds them. */
export interface CompileInput {
  schema: string;
  references: Array<{ name: string; schema: string }>;
  /** Protobuf: the message to encode (full or short name); the file's first message when absent. */
  messageName?: string;
}

/** A value that does not fit its schema; `field` is a dotted path ("" for the whole value). */
export class SchemaValueError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `field "${field}": ${problem}` : problem);
    this.name = 'SchemaValueError';
  }
}

/** A schema the library refuses to parse. */
export class SchemaParseError extends Error {
  override name = 'SchemaParseError';
}

export const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
