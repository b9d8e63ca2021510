// Maps kconsume's parsed flags to lib/consume.
import { interrupted } from '../cli/run.js';
import { isValidTopicName, type OffsetFlag } from '../cli/options.js';
import { invalidTopic, usageError } from '../errors.js';
import type { Io } from '../io.js';
import type { ConnectionOptions, InRecord } from '../kafka/index.js';
import type { ConsumeResult, Output, RecordDecoder, StartAt } from './consume.js';
import type { RegistryConnection } from '../schemas/client.js';

export interface ConsumeCommandOptions {
  topics: string[];
  pattern?: RegExp;
  group?: string;
  partitions?: number[];
  fromBeginning: boolean;
  offset?: OffsetFlag;
  /** Epoch ms, already resolved from --since. */
  since?: number;
  maxMessages?: number;
  exit: boolean;
  idleTimeoutMs?: number;
  json: boolean;
  raw: boolean;
  verbose: boolean;
  format?: (r: InRecord) => Buffer;
  connection: ConnectionOptions;
  /** A Schema Registry (--registry, KAFKA_SCHEMA_REGISTRY_URL, profile): framed keys and values are decoded. */
  registry?: RegistryConnection;
  signal?: AbortSignal;
}

export async function consumeCommand(io: Io, o: ConsumeCommandOptions): Promise<ConsumeResult> {
  const bad = o.topics.find((t) => !isValidTopicName(t));
  if (bad !== undefined) throw invalidTopic(bad);
  if (o.topics.length === 0 && !o.pattern) throw usageError('no topic given', 'name one or more topics (kconsume teste), or match them with --pattern REGEX');
  const startAt: StartAt = o.since !== undefined ? { from: 'time', timestamp: o.since } : (o.offset ?? { from: 'stored' });
  const output: Output = o.json ? { kind: 'json' } : o.raw ? { kind: 'raw' } : o.format ? { kind: 'format', render: o.format } : { kind: 'pretty', verbose: o.verbose };
  // Loaded here, not at the top: --help and usage errors never load the Kafka client.
  const { consume } = await import('./consume.js');
  const decode = o.registry && (output.kind === 'json' || output.kind === 'pretty') ? await recordDecoder(o.registry) : undefined;
  const result = await consume(io, {
    connection: o.connection,
    topics: o.topics,
    ...(o.pattern ? { pattern: o.pattern } : {}),
    ...(o.group === undefined ? {} : { groupId: o.group }),
    ...(o.partitions ? { partitions: [...new Set(o.partitions)] } : {}),
    startAt,
    fromBeginning: o.fromBeginning,
    ...(o.maxMessages === undefined ? {} : { maxMessages: o.maxMessages }),
    exitAtEnd: o.exit,
    ...(o.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: o.idleTimeoutMs }),
    output,
    ...(decode ? { decode } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (result.interrupted) throw interrupted('kconsume');
  return result;
}

/** Schema decoding, loaded only when a registry is configured; each schema id is fetched once. */
async function recordDecoder(registry: RegistryConnection): Promise<RecordDecoder> {
  const [{ RegistryClient }, { SchemaDecoder }] = await Promise.all([import('../schemas/client.js'), import('../schemas/serde.js')]);
  const decoder = new SchemaDecoder(new RegistryClient(registry));
  return async (r) => {
    const [key, value] = await Promise.all([decoder.decode(r.key, { topic: r.topic, isKey: true }), decoder.decode(r.value, { topic: r.topic, isKey: false })]);
    return { ...(key ? { key } : {}), ...(value ? { value } : {}) };
  };
}
