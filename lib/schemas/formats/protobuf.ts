// Protobuf with protobufjs: .proto text parsed at run time, values in and out in Protobuf's JSON mapping (lowerCamelCase
// names, 64-bit integers and enums as strings, bytes as base64), message indexes framed as Confluent does.
import type { Enum, Field, Namespace, Root, Type } from 'protobufjs';
import { SchemaParseError, SchemaValueError, show, type Codec, type CompileInput } from '../codec.js';
import { readMessageIndexes, writeMessageIndexes } from '../wire.js';

type Protobuf = typeof import('protobufjs');

/** The messages of a file in declaration order, with nested ones: what Confluent's message indexes count. */
function messagesOf(ns: Namespace, protobuf: Protobuf): Type[] {
  return ns.nestedArray.filter((n): n is Type => n instanceof protobuf.Type);
}

/** The namespace a file's top-level declarations live in (its package). */
function fileScope(root: Root, pkg: string | undefined): Namespace {
  return pkg ? (root.lookup(pkg) as Namespace) : root;
}

export async function compileProtobuf(input: CompileInput): Promise<Codec> {
  const { default: protobuf } = (await import('protobufjs')) as unknown as { default: Protobuf };
  const root = new protobuf.Root();
  const added = new Set<string>();
  let file: ReturnType<Protobuf['parse']>;
  let own: ReturnType<Protobuf['parse']>;
  try {
    for (const ref of input.references) addFile(protobuf, root, ref.schema, added);
    file = addFile(protobuf, root, input.schema, added);
    root.resolveAll();
    // The same text alone, to know which messages are this file's and in what order.
    own = protobuf.parse(input.schema, new protobuf.Root());
  } catch (e) {
    throw new SchemaParseError(`not a valid Protobuf schema: ${(e as Error).message}`);
  }
  const ownScope = fileScope(own.root, own.package);
  const top = messagesOf(ownScope, protobuf);
  if (top.length === 0) throw new SchemaParseError('the Protobuf schema declares no message');

  /** Full name of the message at these indexes, walking the file's own declarations. */
  const byIndexes = (indexes: number[]): string => {
    let list = top;
    let t: Type | undefined;
    for (const i of indexes) {
      t = list[i];
      if (!t) throw new Error(`message indexes [${indexes.join(', ')}] name no message of the schema`);
      list = messagesOf(t, protobuf);
    }
    return t!.fullName;
  };
  /** Indexes of a message named in full (.pkg.Outer.Inner) or short (Outer.Inner, Inner). */
  const indexesOf = (name: string): number[] | undefined => {
    const want = name.replace(/^\./, '');
    const walk = (list: Type[], path: number[]): number[] | undefined => {
      for (const [i, t] of list.entries()) {
        const full = t.fullName.replace(/^\./, '');
        if (full === want || full.endsWith(`.${want}`) || t.name === want) return [...path, i];
        const deeper = walk(messagesOf(t, protobuf), [...path, i]);
        if (deeper) return deeper;
      }
      return undefined;
    };
    return walk(top, []);
  };

  const chosen = input.messageName === undefined ? [0] : indexesOf(input.messageName);
  if (!chosen) throw new SchemaParseError(`the Protobuf schema has no message "${input.messageName}" (messages: ${allNames(top, protobuf).join(', ')})`);
  const encodeType = root.lookupType(byIndexes(chosen));
  const header = writeMessageIndexes(chosen);
  const decodeTypes = new Map<string, Type>();

  return {
    type: 'PROTOBUF',
    encode(value) {
      const normalised = checkMessage(protobuf, encodeType, value, '');
      const message = encodeType.fromObject(normalised);
      return Buffer.concat([header, Buffer.from(encodeType.encode(message).finish())]);
    },
    decode(payload) {
      const { indexes, payload: body } = readMessageIndexes(payload);
      const key = indexes.join('.');
      let t = decodeTypes.get(key);
      if (!t) decodeTypes.set(key, (t = root.lookupType(byIndexes(indexes))));
      const message = t.decode(body);
      return t.toObject(message, { longs: String, enums: String, bytes: String, json: true });
    },
  };
}

/** Parses one .proto text into the shared root; Google's well-known types it imports come with protobufjs (each added once). */
function addFile(protobuf: Protobuf, root: Root, text: string, added: Set<string>) {
  const parsed = protobuf.parse(text, root);
  for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
    const common = protobuf.common.get(imp);
    if (common?.nested && !added.has(imp)) {
      added.add(imp);
      root.addJSON(common.nested);
    }
  }
  return parsed;
}

function allNames(list: Type[], protobuf: Protobuf): string[] {
  return list.flatMap((t) => [t.fullName.replace(/^\./, ''), ...allNames(messagesOf(t, protobuf), protobuf)]);
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/**
 * Checks a JSON value against a message type, field by field, and returns it with proto names turned into the JSON names
 * protobufjs uses; protobufjs's own fromObject would coerce a wrong value ("abc" into an int32 becomes 0) without a word.
 */
function checkMessage(protobuf: Protobuf, type: Type, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SchemaValueError(path, `expected an object (message ${type.name}), got ${show(value)}`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key] ?? type.fields[camel(key)];
    const at = path ? `${path}.${key}` : key;
    if (!field) throw new SchemaValueError(at, `no such field in message ${type.name} (fields: ${Object.keys(type.fields).join(', ')})`);
    if (v === null) continue; // JSON mapping: null is the default value
    out[field.name] = checkField(protobuf, field, v, at);
  }
  return out;
}

function checkField(protobuf: Protobuf, field: Field, v: unknown, at: string): unknown {
  if (field.map) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaValueError(at, `expected an object (map), got ${show(v)}`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, checkSingle(protobuf, field, x, `${at}.${k}`)]));
  }
  if (field.repeated) {
    if (!Array.isArray(v)) throw new SchemaValueError(at, `expected an array (repeated ${field.type}), got ${show(v)}`);
    return v.map((x, i) => checkSingle(protobuf, field, x, `${at}[${i}]`));
  }
  return checkSingle(protobuf, field, v, at);
}

function checkSingle(protobuf: Protobuf, field: Field, v: unknown, at: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(protobuf, resolved, v, at);
  if (resolved instanceof protobuf.Enum) return checkEnum(resolved as Enum, v, at);
  const t = field.type;
  const fail = (what: string) => new SchemaValueError(at, `expected ${what} (${t}), got ${show(v)}`);
  if (t === 'string') {
    if (typeof v !== 'string') throw fail('a string');
  } else if (t === 'bytes') {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw fail('base64 text');
  } else if (t === 'bool') {
    if (typeof v !== 'boolean') throw fail('true or false');
  } else if (t === 'double' || t === 'float') {
    if (typeof v !== 'number' && !(typeof v === 'string' && /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(v))) throw fail('a number');
  } else if (INT32.has(t)) {
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || (t.startsWith('u') || t === 'fixed32' ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff)) throw fail('a 32-bit integer');
    return n;
  } else if (INT64.has(t)) {
    if (!(typeof v === 'number' && Number.isSafeInteger(v)) && !(typeof v === 'string' && /^-?\d{1,20}$/.test(v))) throw fail('an integer (or a string of digits)');
    if ((t.startsWith('u') || t === 'fixed64') && String(v).startsWith('-')) throw fail('an unsigned integer');
  }
  return v;
}

function checkEnum(e: Enum, v: unknown, at: string): unknown {
  if (typeof v === 'string' && v in e.values) return v;
  if (typeof v === 'number' && Number.isInteger(v)) return v; // proto3 enums are open: unknown numbers are kept
  throw new SchemaValueError(at, `expected one of ${Object.keys(e.values).join(', ')} (enum ${e.name}), got ${show(v)}`);
}
