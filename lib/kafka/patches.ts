// kafkajs 2.2.4 modules replaced through Node's module cache before kafkajs loads them:
// - producer/sendMessages.js lost or duplicated acknowledged records when a leader failed, and its grouping of
//   messages by partition was quadratic in batch size (see send-messages.ts, group-messages.ts);
// - protocol/requests/produce/v3/request.js (used by v3-v7) costs ~10 µs a record (see produce-request.ts);
// - protocol/recordBatch/record/v0/decoder.js does 64-bit Long arithmetic per record (see record-decoder.ts);
// - protocol/requests/{createTopics,alterConfigs}/v0/response.js dropped the broker's reason for a refusal (see
//   admin-responses.ts);
// - protocol/requests/produce/v3/response.js (parse of v3-v7) threw the first partition's error for the whole response,
//   hiding the partitions the broker stored: ours returns every partition's answer, and send-messages.ts settles each;
// - protocol/requests/metadata/v0/response.js (parse of v0-v6) threw LEADER_NOT_AVAILABLE for a whole cluster's metadata
//   when one partition had no leader: inside withOfflinePartitions (admin calls) the metadata comes back as it is.
// - network/requestQueue/index.js ran a 1 ms timer per connection, set with a negative delay (see request-queue.ts).
// - consumer/batch.js made a Long of every fetched record's offset (see batch.ts);
// - protocol/requests/fetch/v4/decodeMessages.js (fetch v4-v11) made ~6 objects per fetched record (see fetched.ts);
// - protocol/request.js copied every request's body twice to frame it (see request-frame.ts);
// - consumer/, admin/ and broker/saslAuthenticator/ load on first use, not with kafkajs (start-up time; see LAZY);
// - network/connection.js's processData held each response twice, as socket chunks and joined (see response-frame.ts);
// - cluster/brokerPool.js's withBroker failed a metadata call on the first dead broker it tried (see with-broker.ts).
// kafkajs is pinned and unmaintained (tulios/kafkajs#1603); test/unit/kafka/patches.test.ts checks the encoders and
// decoder against the originals and that kafkajs loads ours; test/failure/produce-leader-kill.test.ts checks the retry.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire, Module } from 'node:module';
import { encodeProduceRequest, type ProduceRequestData } from './produce-request.js';
import { parseAlterConfigsResponse, parseCreateTopicsResponse } from './admin-responses.js';
import { decodeRecord } from './record-decoder.js';
import { sendMessages } from './send-messages.js';
import { RequestQueue } from './request-queue.js';
import { createFrame, FRAME_HEADROOM } from './request-frame.js';
import { fastBatch } from './batch.js';
import { packedDecodeMessages } from './fetched.js';
import { processData } from './response-frame.js';
import { withBroker } from './with-broker.js';

const require = createRequire(import.meta.url);

export const PATCHED = {
  sendMessages: 'kafkajs/src/producer/sendMessages.js',
  produceRequest: 'kafkajs/src/protocol/requests/produce/v3/request.js',
  recordDecoder: 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js',
  createTopicsResponse: 'kafkajs/src/protocol/requests/createTopics/v0/response.js',
  alterConfigsResponse: 'kafkajs/src/protocol/requests/alterConfigs/v0/response.js',
  produceResponse: 'kafkajs/src/protocol/requests/produce/v3/response.js',
  metadataResponse: 'kafkajs/src/protocol/requests/metadata/v0/response.js',
  requestQueue: 'kafkajs/src/network/requestQueue/index.js',
  request: 'kafkajs/src/protocol/request.js',
  batch: 'kafkajs/src/consumer/batch.js',
  decodeMessages: 'kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js',
} as const;

/** kafkajs's Produce v3 response (v4-v7 reuse its parse) with a parse that keeps each partition's error code, never throws. */
const produceResponse = { decode: require(PATCHED.produceResponse).decode, parse: async (data: unknown) => data };

const offlineAllowed = new AsyncLocalStorage<boolean>();
/**
 * Runs fn with metadata that may show partitions without a leader (offline: leader -1, their error code kept) instead of
 * failing: for admin calls (withAdmin), which show or change the cluster as it is. kafkajs's producer and consumer rely
 * on the error to wait for an election, so they keep it (and createTopic polls the leaders itself: kafkajs's
 * waitForLeaders waits for that error to stop). The scope follows fn's async calls (AsyncLocalStorage).
 */
export function withOfflinePartitions<T>(fn: () => Promise<T>): Promise<T> {
  return offlineAllowed.run(true, fn);
}
type MetadataData = { topicMetadata: Array<{ topicErrorCode: number }> };
const metadataV0 = require(PATCHED.metadataResponse) as { decode: unknown; parse: (data: MetadataData) => Promise<unknown> };
const metadataResponse = {
  decode: metadataV0.decode,
  parse: async (data: MetadataData) => (offlineAllowed.getStore() === true && data.topicMetadata.every((t) => t.topicErrorCode === 0) ? data : metadataV0.parse(data)),
};

/** kafkajs's request object for Produce v3 (v4-v7 copy it and change apiVersion), with our encoder. */
const Encoder = require('kafkajs/src/protocol/encoder.js');
const { lookupCodec, lookupCodecByAttributes } = require('kafkajs/src/protocol/message/compression/index.js');
const compress = (codec: number, records: Buffer): Promise<Buffer> => lookupCodec(codec).compress({ buffer: records });

export function produceRequest(data: ProduceRequestData): { apiKey: number; apiVersion: number; apiName: string; expectResponse: () => boolean; encode: () => Promise<unknown> } {
  return {
    apiKey: 0,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => data.acks !== 0,
    encode: async () => {
      // Room in front of the body for the frame's header (request-frame.ts writes it there: no copy of the body).
      const bytes = await encodeProduceRequest(data, compress, Date.now(), FRAME_HEADROOM);
      const encoder = new Encoder(0);
      encoder.buf = bytes;
      encoder.offset = bytes.length;
      encoder.headroom = FRAME_HEADROOM;
      // What kafkajs's own framing reads (if kafkajs was loaded before this module, it has that): the body alone.
      Object.defineProperty(encoder, 'buffer', { get: () => bytes.subarray(FRAME_HEADROOM) });
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
 * kafkajs captures sendMessages, the grouping, the record decoder and the request queue when it loads the modules that require them, so
 * they apply only if this module ran first; every lib/ file that imports kafkajs imports this before it. (A test that
 * imports kafkajs first gets the originals.)
 */
export const patchedInTime = [
  'kafkajs/src/producer/messageProducer.js',
  'kafkajs/src/producer/sendMessages.js',
  'kafkajs/src/protocol/recordBatch/v0/decoder.js',
  'kafkajs/src/protocol/requests/createTopics/v1/response.js', // v1 captures v0's parse; v2 and v3 capture v1's
  'kafkajs/src/protocol/requests/alterConfigs/v1/response.js',
  'kafkajs/src/protocol/requests/produce/v4/response.js', // v4-v7 capture v3's parse
  'kafkajs/src/protocol/requests/metadata/v1/response.js', // v1-v6 capture v0's parse
  'kafkajs/src/network/connection.js', // captures the request queue and the request framing
  'kafkajs/src/consumer/consumerGroup.js', // captures the Batch class
  'kafkajs/src/protocol/requests/fetch/v4/response.js', // v4-v11 capture decodeMessages
].every((id) => !require.cache[require.resolve(id)]);
/**
 * kafkajs requires its consumer, admin client and SASL authenticators (with node:crypto) when it loads, whatever the
 * command uses: ~12 ms of a one-shot kproduce's start. Each is put in the cache as a stand-in that loads the real
 * module the first time it is called or constructed (each exports one function or class).
 */
export const LAZY = ['kafkajs/src/consumer/index.js', 'kafkajs/src/admin/index.js', 'kafkajs/src/broker/saslAuthenticator/index.js'] as const;
function lazy(id: string): void {
  const filename = require.resolve(id);
  let real: ((...args: unknown[]) => unknown) | undefined;
  const load = () => {
    if (!real) {
      delete require.cache[filename]; // the stand-in's entry: require loads the file itself now
      real = require(filename) as (...args: unknown[]) => unknown;
    }
    return real;
  };
  preload(id, function (this: unknown, ...args: unknown[]) {
    // A class constructed through the stand-in: the real constructor's object, whose prototype is the real one.
    return new.target ? Reflect.construct(load(), args) : load().apply(this, args);
  });
}
for (const id of LAZY) if (!require.cache[require.resolve(id)]) lazy(id);
preload(PATCHED.sendMessages, sendMessages);
preload(PATCHED.produceRequest, produceRequest);
preload(PATCHED.recordDecoder, decodeRecord);
// kafkajs's own decoders are kept; only the parsers that turn error codes into errors are ours.
preload(PATCHED.createTopicsResponse, { decode: require(PATCHED.createTopicsResponse).decode, parse: parseCreateTopicsResponse });
preload(PATCHED.alterConfigsResponse, { decode: require(PATCHED.alterConfigsResponse).decode, parse: parseAlterConfigsResponse });
preload(PATCHED.produceResponse, produceResponse);
preload(PATCHED.metadataResponse, metadataResponse);
preload(PATCHED.requestQueue, RequestQueue);
preload(PATCHED.request, createFrame(() => new Encoder(0)));
// kafkajs's own decodeMessages, loaded once ours decodes records (above), for the batches fetched.ts leaves to it.
// Packed fetches need our Batch: only if kafkajs's consumer group, which captures the Batch class, has not loaded yet.
if (!require.cache[require.resolve('kafkajs/src/consumer/consumerGroup.js')]) {
  preload(PATCHED.decodeMessages, packedDecodeMessages(require(PATCHED.decodeMessages), (attributes) => lookupCodecByAttributes(attributes)));
}
preload(PATCHED.batch, fastBatch((require(PATCHED.batch) as { prototype: object }).prototype));
// After the preloads: brokerPool.js loads kafkajs's network modules, which must find ours in the cache.
(require('kafkajs/src/cluster/brokerPool.js') as { prototype: { withBroker: unknown } }).prototype.withBroker = withBroker;
(require('kafkajs/src/network/connection.js') as { prototype: { processData: unknown } }).prototype.processData = processData;
