// Maps kproduce's parsed flags to lib/produce, and decides where records come from (arguments, a file, stdin).
import { createReadStream, fstatSync, statSync } from 'node:fs';
import { CHUNK_BYTES, PooledFileStream } from './chunks.js';
import type { Readable } from 'node:stream';
import { access, constants, stat } from 'node:fs/promises';
import { EXIT, invalidTopic, KtoolError, usageError } from '../errors.js';
import { isValidTopicName } from '../cli/options.js';
import { interrupted } from '../cli/run.js';
import { err, type Io } from '../io.js';
import type { Acks, Compression, ConnectionOptions } from '../kafka/index.js';
import type { ProduceResult, ReportMode, Source } from './produce.js';
import type { SchemaFlags } from './schemas.js';

export interface ProduceCommandOptions {
  topic: string;
  messages: string[];
  file?: string;
  delimiter: Buffer;
  key?: string;
  keySeparator?: Buffer;
  headers?: Array<[string, string]>;
  partition?: number;
  tombstone: boolean;
  jsonInput: boolean;
  acks: 'all' | '1' | '0';
  compression: Compression;
  lingerMs?: number;
  deliveryTimeoutMs?: number;
  report?: ReportMode;
  json: boolean;
  connection: ConnectionOptions;
  /** --value-schema, --key-schema and friends; the registry from --registry / KAFKA_SCHEMA_REGISTRY_URL / profile. */
  schemas?: SchemaFlags;
  signal?: AbortSignal;
}

const ACKS: Record<ProduceCommandOptions['acks'], Acks> = { all: -1, '1': 1, '0': 0 };

export async function produceCommand(io: Io, o: ProduceCommandOptions): Promise<ProduceResult> {
  if (!isValidTopicName(o.topic)) throw invalidTopic(o.topic);
  const source = await chooseSource(io, o);
  // Schemas are resolved (and registered) before anything is sent; lib/schemas loads only when one is asked for.
  const schemas = o.schemas && (o.schemas.valueSchema || o.schemas.keySchema || o.jsonInput) ? await (await import('./schemas.js')).schemaStage(o.topic, o.schemas, o.jsonInput) : undefined;
  // Loaded here, not at the top: --help and usage errors never load the Kafka client.
  const { produce } = await import('./produce.js');
  const result = await produce(io, {
    connection: o.connection,
    topic: o.topic,
    source,
    parse: o.jsonInput ? { kind: 'json', ...(o.schemas?.keySchema || o.schemas?.registry ? { jsonKeys: true } : {}) } : o.keySeparator ? { kind: 'text', keySeparator: o.keySeparator } : { kind: 'text' },
    ...(o.key === undefined ? {} : { key: o.key }),
    ...(o.partition === undefined ? {} : { partition: o.partition }),
    ...(o.headers ? { headers: o.headers } : {}),
    tombstone: o.tombstone,
    acks: ACKS[o.acks],
    compression: o.compression,
    ...(o.lingerMs === undefined ? {} : { lingerMs: o.lingerMs }),
    ...(o.deliveryTimeoutMs === undefined ? {} : { deliveryTimeoutMs: o.deliveryTimeoutMs }),
    // One report per message for a few arguments or typed lines; a progress line and a summary for bulk input.
    report: o.report ?? (source.kind === 'args' || (source.kind === 'stream' && source.interactive) ? 'each' : 'summary'),
    json: o.json,
    ...(schemas ? { serialize: schemas.serialize, ...(schemas.prepare ? { prepare: schemas.prepare } : {}) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (result.interrupted) throw interrupted('kproduce');
  return result;
}

/** Whether the messages come from stdin: no message arguments (or just "-"). With -f, that is the file instead. */
export function messagesFromStdin(messages: string[]): boolean {
  return messages.length === 0 || (messages.length === 1 && messages[0] === '-');
}

async function chooseSource(io: Io, o: ProduceCommandOptions): Promise<Source> {
  const fromStdin = messagesFromStdin(o.messages);
  if (o.file !== undefined) {
    if (!fromStdin) throw usageError('give messages as arguments or with -f/--file, not both', `drop the arguments to send the lines of ${o.file}`);
    await readable(o.file);
    return { kind: 'stream', stream: fileStream(o.file), delimiter: o.delimiter };
  }
  if (!fromStdin) return { kind: 'args', values: o.messages };
  if (o.tombstone && o.key !== undefined && !o.jsonInput && o.keySeparator === undefined) {
    // `kproduce topic -k user-1 --tombstone`: one delete marker for that key; stdin is not read.
    return { kind: 'args', values: [''] };
  }
  if (o.tombstone && o.key === undefined && o.keySeparator === undefined && !o.jsonInput) {
    throw usageError('a tombstone needs a key', 'give one with -k KEY, or read keys from the input with -K SEP');
  }
  if (io.stdin.isTTY) {
    // A bare `kproduce teste` on a terminal is more likely a mistake than a wish to type; `-` says it is meant.
    if (o.messages.length === 0) {
      throw usageError('no message given and stdin is a terminal', `pass messages as arguments (kproduce ${o.topic} hello), pipe lines in (seq 10 | kproduce ${o.topic}), read a file with -f, or type them: kproduce ${o.topic} -`);
    }
    err(io, `kproduce: type messages for ${o.topic}, one per line; Ctrl-D to end`);
    return { kind: 'stream', stream: io.stdin, delimiter: o.delimiter, interactive: true };
  }
  return { kind: 'stream', stream: stdinStream(io), delimiter: o.delimiter };
}

/**
 * stdin, read in pooled 1 MiB chunks when it is a regular file (`kproduce t < big.log`), as -f is: process.stdin reads a
 * file 64 KiB at a time, each read a round trip to libuv's thread pool (256 MB took 0.30 s to read that way, 0.14 s so).
 */
function stdinStream(io: Io): Readable {
  if (io.stdin !== process.stdin) return io.stdin;
  try {
    if (fstatSync(0).isFile()) return new PooledFileStream({ fd: 0 });
  } catch {
    // fd 0 closed or unreadable: process.stdin says so when read
  }
  return io.stdin;
}

/** -f: a regular file read into pooled chunks (chunks.ts); anything else (a FIFO, /dev/stdin) as a stream, 1 MiB a read. */
function fileStream(file: string): Readable {
  return statSync(file).isFile() ? new PooledFileStream({ path: file }) : createReadStream(file, { highWaterMark: CHUNK_BYTES });
}

/** Fails before connecting if the file cannot be read. */
async function readable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
    if ((await stat(file)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new KtoolError('FILE_UNREADABLE', `cannot read ${file}: ${why}`, { exitCode: EXIT.usage, hint: 'check the path given to -f/--file' });
  }
}
