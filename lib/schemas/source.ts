// Where a schema comes from: a file (.avsc, .json, .proto), a subject[:version] or id:N; and schema files read into the registry's shape.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { usageError } from '../errors.js';
import type { SchemaReference, SchemaText, SchemaType } from './client.js';

export type SchemaSpec = { kind: 'file'; path: string } | { kind: 'subject'; subject: string; version: number | 'latest' } | { kind: 'id'; id: number };

const EXTENSIONS: Record<string, SchemaType> = { '.avsc': 'AVRO', '.avro': 'AVRO', '.json': 'JSON', '.proto': 'PROTOBUF' };
export const TYPE_NAMES: Record<string, SchemaType> = { avro: 'AVRO', json: 'JSON', protobuf: 'PROTOBUF' };

/** --value-schema / --key-schema: FILE (if it exists or ends in .avsc/.json/.proto), id:N, or subject[:version|:latest]. */
export function parseSchemaSpec(value: string): SchemaSpec {
  const v = value.trim();
  const id = /^id:(\d{1,10})$/.exec(v);
  if (id) return { kind: 'id', id: Number(id[1]) };
  if (existsSync(v)) return { kind: 'file', path: v };
  if (EXTENSIONS[extname(v).toLowerCase()]) throw new InvalidArgumentError(`no schema file "${v}".`);
  const sv = parseSubjectVersion(v);
  return { kind: 'subject', ...sv };
}

/** SUBJECT, SUBJECT:N or SUBJECT:latest; a bare SUBJECT means its latest version. */
export function parseSubjectVersion(value: string): { subject: string; version: number | 'latest' } {
  const { subject, version } = parseSubjectMaybeVersion(value);
  return { subject, version: version ?? 'latest' };
}

/** The same, but a bare SUBJECT names no version (kschemas delete: every version). */
export function parseSubjectMaybeVersion(value: string): { subject: string; version?: number | 'latest' } {
  const m = /^(.+?):(\d{1,9}|latest)$/.exec(value.trim());
  const subject = (m ? m[1]! : value).trim();
  if (!subject) throw new InvalidArgumentError(`expected SUBJECT or SUBJECT:VERSION, got "${value}".`);
  return m ? { subject, version: m[2] === 'latest' ? 'latest' : Number(m[2]) } : { subject };
}

/** --references name=subject:version (repeatable). */
export function parseReference(value: string): SchemaReference {
  const m = /^([^=]+)=(.+):(\d{1,9})$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected NAME=SUBJECT:VERSION (e.g. address.proto=address-value:1), got "${value}".`);
  return { name: m[1]!, subject: m[2]!, version: Number(m[3]) };
}

/** A schema file as the registry takes it; the type from --type, else the extension. */
export function readSchemaFile(path: string, type?: SchemaType, references: SchemaReference[] = []): SchemaText {
  const schemaType = type ?? EXTENSIONS[extname(path).toLowerCase()];
  if (!schemaType) throw usageError(`cannot tell the schema type of "${path}" from its name`, 'name it .avsc, .json or .proto, or pass --type avro|json|protobuf');
  let schema: string;
  try {
    schema = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read schema file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (schemaType !== 'PROTOBUF') {
    try {
      // The registry stores Avro and JSON schemas as compact JSON; sending them so keeps ids stable across formatting.
      schema = JSON.stringify(JSON.parse(schema));
    } catch (e) {
      throw usageError(`${path} is not JSON: ${(e as Error).message}`, schemaType === 'AVRO' ? 'an Avro schema (.avsc) is a JSON document' : 'a JSON Schema is a JSON document');
    }
  }
  return { schemaType, schema, references };
}
