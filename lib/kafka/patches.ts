// Two hot spots of kafkajs 2.2.4's producer, replaced through Node's module cache before kafkajs loads them:
// - producer/groupMessagesPerPartition.js copies the partition's array for every message (quadratic in batch size);
// - protocol/requests/produce/v3/request.js (used by v3-v7) costs ~10 µs a record (see produce-request.ts).
// kafkajs is pinned and unmaintained (tulios/kafkajs#1603); test/unit/kafka/patches.test.ts checks both
// replacements against the originals byte for byte, and that they are the ones kafkajs uses.
import { createRequire, Module } from 'node:module';
import { encodeProduceRequest, type ProduceRequestData } from './produce-request.js';

const require = createRequire(import.meta.url);

export const PATCHED = {
  group: 'kafkajs/src/producer/groupMessagesPerPartition.js',
  produceRequest: 'kafkajs/src/protocol/requests/produce/v3/request.js',
} as const;

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

/** Messages by partition, in input order: what kafkajs's version returns, in linear time. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) (result[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return result;
}

/** kafkajs's request object for Produce v3 (v4-v7 copy it and change apiVersion), with our encoder. */
export function produceRequest(data: ProduceRequestData): { apiKey: number; apiVersion: number; apiName: string; expectResponse: () => boolean; encode: () => Promise<unknown> } {
  const Encoder = require('kafkajs/src/protocol/encoder.js');
  const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js');
  const compress = (codec: number, records: Buffer): Promise<Buffer> => lookupCodec(codec).compress({ buffer: records });
  return {
    apiKey: 0,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => data.acks !== 0,
    encode: async () => {
      const bytes = await encodeProduceRequest(data, compress);
      // kafkajs copies an Encoder's `buf` up to `offset`; hand it ours without another copy.
      const encoder = new Encoder(0);
      encoder.buf = bytes;
      encoder.offset = bytes.length;
      return encoder;
    },
  };
}

/** Puts a module into Node's CommonJS cache so that require(path) returns exports without loading the file. */
function preload(id: string, exports: unknown): void {
  const filename = require.resolve(id);
  const m = new Module(filename);
  m.filename = filename;
  m.loaded = true;
  m.exports = exports;
  require.cache[filename] = m;
}

/**
 * kafkajs captures the grouping when it loads sendMessages.js, so it applies only if this module ran first; every
 * lib/ file that imports kafkajs imports this before it. (A test that imports kafkajs first gets the slow original.)
 */
export const groupingPatched = !require.cache[require.resolve('kafkajs/src/producer/sendMessages.js')];
preload(PATCHED.group, groupMessagesPerPartition);
preload(PATCHED.produceRequest, produceRequest);
