// The kafkajs replacements in lib/kafka/patches.ts: byte-identical to kafkajs's own encoder, and the ones kafkajs loads.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { patchedInTime, PATCHED, produceRequest } from '../../../lib/kafka/patches.js';
import { groupMessagesPerPartition } from '../../../lib/kafka/group-messages.js';
import { sendMessages } from '../../../lib/kafka/send-messages.js';
import { RequestQueue } from '../../../lib/kafka/request-queue.js';
import { decodeRecord, type BatchContext } from '../../../lib/kafka/record-decoder.js';
import { parseAlterConfigsResponse, parseCreateTopicsResponse } from '../../../lib/kafka/admin-responses.js';
import { crc32c, crc32cJs } from '../../../lib/kafka/crc32c.js';
import { encodeProduceRequest, type ProduceRequestData } from '../../../lib/kafka/produce-request.js';
import '../../../lib/kafka/index.js';
import { original } from '../../support/kafkajs-original.js';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js');


type KafkajsRequest = (data: ProduceRequestData) => { encode(): Promise<{ buffer: Buffer }> };
const kafkajsRequest = original<KafkajsRequest>(PATCHED.produceRequest);
const { lookupCodec } = require('kafkajs/src/protocol/message/compression/index.js');
const compress = (codec: number, records: Buffer): Promise<Buffer> => lookupCodec(codec).compress({ buffer: records });

const NOW = 1_790_000_000_000;
const msgs = (n: number, f: (i: number) => object) => Array.from({ length: n }, (_, i) => f(i));
const one = (messages: object[], extra: Partial<ProduceRequestData> = {}): ProduceRequestData => ({
  acks: -1,
  timeout: 30_000,
  topicData: [{ topic: 'orders', partitions: [{ partition: 0, messages }] }],
  ...extra,
});

const cases: Array<{ what: string; data: ProduceRequestData }> = [
  { what: 'Buffer values, no key', data: one(msgs(3, (i) => ({ value: Buffer.from(`v${i}`) }))) },
  { what: 'string keys and values, non-ASCII', data: one(msgs(4, (i) => ({ key: `clé-${i}`, value: `valor ção ${'🙂'.repeat(i)}` }))) },
  { what: 'a null value (tombstone) and an empty value', data: one([{ key: 'k', value: null }, { key: Buffer.alloc(0), value: Buffer.alloc(0) }]) },
  {
    what: 'headers: single, repeated, string and Buffer values',
    data: one([
      { value: 'a', headers: { trace: 'abc', 'ü-name': Buffer.from([0, 255]) } },
      { value: 'b', headers: { dup: ['1', Buffer.from('2'), ''] } },
      { value: 'c', headers: {} },
    ]),
  },
  { what: 'explicit timestamps (CreateTime)', data: one(msgs(5, (i) => ({ value: `t${i}`, timestamp: String(NOW - 86_400_000 * (5 - i)) }))) },
  {
    what: 'two topics, several partitions, idempotent producer fields',
    data: {
      acks: -1,
      timeout: 5_000,
      producerId: Long.fromValue(123_456_789_012),
      producerEpoch: 7,
      topicData: [
        { topic: 'a', partitions: [{ partition: 0, firstSequence: 10, messages: msgs(3, (i) => ({ key: `k${i}`, value: randomBytes(40) })) }, { partition: 2, firstSequence: 2_147_483_000, messages: msgs(2, () => ({ value: 'x' })) }] },
        { topic: 'b-ß', partitions: [{ partition: 1, firstSequence: 0, messages: msgs(1, () => ({ value: null })) }] },
      ],
    },
  },
  { what: 'a transactional producer', data: one(msgs(2, (i) => ({ value: `${i}` })), { transactionalId: 'tx-1', producerId: Long.fromValue(5), producerEpoch: 1 }) },
  { what: 'acks 0 and 1', data: one(msgs(2, (i) => ({ value: `${i}` })), { acks: 1 }) },
  { what: '5,000 records (the buffer grows several times)', data: one(msgs(5_000, (i) => ({ key: `key-${i % 7}`, value: randomBytes(i % 300) }))) },
  { what: 'a 2 MB value', data: one([{ value: randomBytes(2 * 1024 * 1024) }]) },
  { what: 'gzip', data: one(msgs(50, (i) => ({ key: `k${i}`, value: `gzip me ${i}`.repeat(5) })), { compression: 1 }) },
];

describe('encodeProduceRequest', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(cases)('writes the same bytes as kafkajs: $what', async ({ data }) => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const theirs = (await kafkajsRequest(data).encode()).buffer;
    const ours = await encodeProduceRequest(data, compress, NOW);
    expect(ours.length).toBe(theirs.length);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('is what kafkajs builds for every Produce version from 3 (v4-v7 reuse v3)', async () => {
    const produce = require('kafkajs/src/protocol/requests/produce/index.js') as { versions: string[]; protocol(o: { version: number }): (d: ProduceRequestData) => { request: { apiVersion: number; encode(): Promise<{ buffer: Buffer }> } } };
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const data = cases[1]!.data;
    const built = produce.versions.map(Number).filter((v) => v >= 3);
    expect(built).toEqual([3, 4, 5, 6, 7]);
    for (const version of built) {
      const { request } = produce.protocol({ version })(data);
      expect(request.apiVersion).toBe(version);
      // `buffer` is the body alone, after the room left for the frame's header (request-frame.ts uses that room).
      expect((await request.encode()).buffer.equals(await encodeProduceRequest(data, compress, NOW))).toBe(true);
    }
  });
});

describe('the patches kafkajs loads', () => {
  it('kafkajs resolves the patched modules to ours, and they were in place before the modules that capture them loaded', () => {
    expect(require(PATCHED.produceRequest)).toBe(produceRequest);
    expect(require(PATCHED.sendMessages)).toBe(sendMessages);
    expect(require(PATCHED.recordDecoder)).toBe(decodeRecord);
    expect(require(PATCHED.createTopicsResponse).parse).toBe(parseCreateTopicsResponse);
    // v1-v3 of CreateTopics reuse v0's parser: each version kafkajs may pick gets ours.
    for (const v of [1, 2, 3]) expect(require(`kafkajs/src/protocol/requests/createTopics/v${v}/response.js`).parse).toBe(parseCreateTopicsResponse);
    for (const v of [0, 1]) expect(require(`kafkajs/src/protocol/requests/alterConfigs/v${v}/response.js`).parse).toBe(parseAlterConfigsResponse);
    expect(require(PATCHED.requestQueue)).toBe(RequestQueue);
    expect(require(PATCHED.decodeMessages)).not.toBe(original(PATCHED.decodeMessages));
    expect(require('kafkajs/src/protocol/request.js')).not.toBe(original(PATCHED.request));
    expect(new (require('kafkajs/src/network/connection.js'))({ host: '127.0.0.1', port: 1, logger: { namespace: () => ({ debug() {}, info() {}, warn() {}, error() {} }) } }).requestQueue).toBeInstanceOf(RequestQueue);
    expect(patchedInTime).toBe(true);
  });

  it('groups messages by partition in input order, as kafkajs does', () => {
    const theirs = require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof groupMessagesPerPartition;
    const messages = msgs(1_000, (i) => ({ key: `k${i % 13}`, n: i }));
    const partitioner = ({ message }: { message: unknown }) => Number((message as { key: string }).key.slice(1)) % 5;
    const args = { topic: 't', partitionMetadata: [{}, {}, {}, {}, {}], messages, partitioner };
    expect(groupMessagesPerPartition(args)).toEqual(theirs(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({});
  });
});

describe('crc32c', () => {
  const theirs = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
  it.each([0, 1, 7, 8, 9, 63, 1_000, 65_537])('matches kafkajs on %i random bytes', (n) => {
    const b = randomBytes(n);
    expect(crc32c(b)).toBe(theirs(b));
  });
  it('checks a range of a buffer, and the standard check value', () => {
    const b = Buffer.from('xx123456789yy');
    expect(crc32c(b, 2, 11)).toBe(0xe3069283);
    expect(crc32cJs(b, 2, 11)).toBe(0xe3069283);
  });
  it('gives large ranges to the native module, which agrees with the pure-JS version', () => {
    expect(require('@node-rs/crc32').crc32c(Buffer.from('123456789')) >>> 0).toBe(0xe3069283); // it loads here
    for (const n of [65_536, 65_537, 1_000_003, 1 << 20]) {
      const b = randomBytes(n + 10);
      expect(crc32c(b, 3, n + 3)).toBe(crc32cJs(b, 3, n + 3));
      expect(crc32c(b.subarray(5), 0, n)).toBe(theirs(b.subarray(5, n + 5)));
    }
  });
});

describe('decodeRecord', () => {
  const Decoder = require('kafkajs/src/protocol/decoder.js');
  const RecordEncoder = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const theirs = original<(d: unknown, ctx: BatchContext) => Record<string, unknown>>(PATCHED.recordDecoder);
  /** One record's bytes as a RecordBatch holds them, without the length prefix (what kafkajs hands the decoder). */
  const encoded = (r: object): Buffer => {
    const withLength = RecordEncoder(r).buffer as Buffer;
    const d = new Decoder(withLength);
    return d.readVarIntBytes() as Buffer;
  };
  const ctx: BatchContext = { firstOffset: '1000', firstTimestamp: String(NOW), maxTimestamp: String(NOW + 50), magicByte: 2, timestampType: 0, isControlBatch: false };
  const records = [
    { what: 'key, value, no headers', record: { key: Buffer.from('k'), value: Buffer.from('v'), offsetDelta: 3, timestampDelta: 12 } },
    { what: 'null key and value', record: { key: null, value: null, offsetDelta: 0, timestampDelta: 0 } },
    { what: 'empty key and value', record: { key: Buffer.alloc(0), value: Buffer.alloc(0), offsetDelta: 1, timestampDelta: -5 } },
    { what: 'headers, one repeated three times', record: { value: Buffer.from('x'), headers: { a: Buffer.from('1'), dup: [Buffer.from('2'), Buffer.from('3'), Buffer.from('4')], 'ü': Buffer.alloc(0) }, offsetDelta: 70_000, timestampDelta: 86_400_000 } },
    { what: 'a 300 KB value', record: { value: randomBytes(300_000), offsetDelta: 9, timestampDelta: 1 } },
  ];
  const contexts: Array<{ what: string; ctx: BatchContext }> = [
    { what: 'CreateTime', ctx },
    { what: 'LogAppendTime', ctx: { ...ctx, timestampType: 1 } },
    { what: 'offsets and times beyond 2^53', ctx: { ...ctx, firstOffset: '9007199254740990', firstTimestamp: '9007199254740991' } },
    { what: 'a control batch', ctx: { ...ctx, isControlBatch: true } },
  ];
  for (const c of contexts) {
    it.each(records)(`decodes like kafkajs (${c.what}): $what`, ({ record }) => {
      const bytes = encoded(record);
      expect(decodeRecord(new Decoder(bytes), c.ctx)).toEqual(theirs(new Decoder(bytes), c.ctx));
    });
  }

  it('keeps header names such as "constructor" and "__proto__" as plain entries (kafkajs mixes in Object.prototype)', () => {
    const bytes = encoded({ value: Buffer.from('x'), headers: { constructor: Buffer.from('c'), ['__proto__']: Buffer.from('p') }, offsetDelta: 0, timestampDelta: 0 });
    const headers = decodeRecord(new Decoder(bytes), ctx).headers as Record<string, Buffer>;
    expect(Object.keys(headers)).toEqual(['constructor', '__proto__']);
    expect(headers.constructor).toEqual(Buffer.from('c'));
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual(Buffer.from('p'));
  });
});

describe('parseCreateTopicsResponse', () => {
  const theirs = original<{ parse: (data: unknown) => Promise<unknown> }>(PATCHED.createTopicsResponse).parse;
  const rejection = async (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as { name: string; message: string; errors: Array<Record<string, unknown>> });

  it('returns the data when no topic failed, as kafkajs does', async () => {
    const data = { throttleTime: 0, topicErrors: [{ topic: 'a', errorCode: 0, errorMessage: null }] };
    expect(await parseCreateTopicsResponse(data)).toBe(data);
    expect(await theirs(data)).toBe(data);
  });

  it('throws the same errors as kafkajs, each with the broker\'s message kafkajs drops', async () => {
    const data = {
      topicErrors: [
        { topic: 'a', errorCode: 40, errorMessage: 'Unknown topic config name: bogus.cfg' }, // INVALID_CONFIG
        { topic: 'b', errorCode: 36, errorMessage: null }, // TOPIC_ALREADY_EXISTS, no detail
      ],
    };
    const ours = await rejection(parseCreateTopicsResponse(data));
    const original = await rejection(theirs(data));
    expect(ours.name).toBe(original.name);
    expect(ours.message).toBe(original.message);
    const fields = (e: Record<string, unknown>) => ({ name: e.name, type: e.type, code: e.code, topic: e.topic, retriable: e.retriable, message: e.message });
    expect(ours.errors.map(fields)).toEqual(original.errors.map(fields));
    expect(ours.errors.map((e) => e.brokerMessage)).toEqual(['Unknown topic config name: bogus.cfg', undefined]);
    expect(original.errors[0]).not.toHaveProperty('brokerMessage');
  });
});

describe('parseAlterConfigsResponse', () => {
  const theirs = original<{ parse: (data: unknown) => Promise<unknown> }>(PATCHED.alterConfigsResponse).parse;
  const rejection = async (p: Promise<unknown>) => p.then(() => expect.unreachable('resolved'), (e: unknown) => e as Record<string, unknown>);
  const resource = (errorCode: number, errorMessage: string | null) => ({ errorCode, errorMessage, resourceType: 2, resourceName: 'orders' });

  it('returns the data when nothing failed, as kafkajs does', async () => {
    const data = { throttleTime: 0, resources: [resource(0, null)] };
    expect(await parseAlterConfigsResponse(data)).toBe(data);
    expect(await theirs(data)).toBe(data);
  });

  it('throws the error kafkajs throws for the first failed resource, with the broker\'s message kafkajs drops', async () => {
    const data = { throttleTime: 0, resources: [resource(0, null), resource(40, 'Invalid value abc for configuration retention.ms: Not a number of type LONG'), resource(29, null)] };
    const ours = await rejection(parseAlterConfigsResponse(data));
    const original = await rejection(theirs(data));
    const fields = (e: Record<string, unknown>) => ({ name: e.name, type: e.type, code: e.code, retriable: e.retriable, message: e.message });
    expect(fields(ours)).toEqual(fields(original));
    expect(ours.brokerMessage).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG');
    expect(original).not.toHaveProperty('brokerMessage');
    expect(await rejection(parseAlterConfigsResponse({ resources: [resource(40, null)] }))).not.toHaveProperty('brokerMessage');
  });
});

describe('lazy kafkajs modules', () => {
  const cached = (id: string) => require.cache[require.resolve(id)] !== undefined;

  it('loads the consumer, the admin client and the SASL authenticators only when they are first used', async () => {
    const { Kafka } = (await import('kafkajs')).default;
    // What each real module requires: absent until the stand-in is called.
    expect(cached('kafkajs/src/consumer/runner.js')).toBe(false);
    expect(cached('kafkajs/src/broker/saslAuthenticator/scram.js')).toBe(false);
    const standIn = require('kafkajs/src/consumer/index.js');
    const kafka = new Kafka({ brokers: ['127.0.0.1:9'], logLevel: 0 });
    kafka.producer();
    expect(cached('kafkajs/src/consumer/runner.js')).toBe(false);
    const consumer = kafka.consumer({ groupId: 'g' });
    expect(typeof consumer.subscribe).toBe('function');
    expect(typeof consumer.run).toBe('function');
    expect(cached('kafkajs/src/consumer/runner.js')).toBe(true);
    const admin = kafka.admin();
    expect(typeof admin.createTopics).toBe('function');
    // The stand-in's cache entry gave way to the real module: a later require gets kafkajs's own export.
    expect(require('kafkajs/src/consumer/index.js')).not.toBe(standIn);
    expect(typeof require('kafkajs/src/consumer/index.js')).toBe('function');
  });
});

describe('request framing', () => {
  type Frame = (args: { correlationId: number; clientId: string; request: { apiKey: number; apiVersion: number; encode: () => Promise<unknown> } }) => Promise<{ buffer: Buffer }>;
  const theirs = original<Frame>(PATCHED.request);
  const ours = require(PATCHED.request) as Frame;
  const Encoder = require('kafkajs/src/protocol/encoder.js');

  it('is the one kafkajs loads, and writes the bytes kafkajs writes, for any body and client id', async () => {
    expect(ours).not.toBe(theirs);
    const body = () => new Encoder().writeInt32(7).writeString('orders').writeBytes(randomBytes(3000));
    const fixed = body();
    for (const clientId of ['ktool', 'a-much-longer-client-id-that-does-not-fit-in-the-room-in-front-of-the-body-ção', '']) {
      const args = { correlationId: 42, clientId, request: { apiKey: 3, apiVersion: 1, encode: async () => fixed } };
      expect((await ours(args)).buffer.equals((await theirs(args)).buffer)).toBe(true);
    }
  });

  it('writes the header into the room our Produce encoder leaves, without copying the body', async () => {
    const data = one(msgs(50, (i) => ({ key: `k${i}`, value: Buffer.alloc(100, i) })), { producerId: '9', producerEpoch: 1 });
    const request = produceRequest(data);
    const encoded = (await request.encode()) as { buf: Buffer };
    const framed = await ours({ correlationId: 5, clientId: 'ktool', request: { ...request, encode: async () => encoded } });
    expect(framed.buffer.buffer).toBe(encoded.buf.buffer); // same memory
    // kafkajs's own framing (what it has if it loaded before patches.ts) frames the same body into the same bytes.
    const viaTheirs = await theirs({ correlationId: 5, clientId: 'ktool', request: { ...request, encode: async () => encoded } });
    expect(viaTheirs.buffer.equals(framed.buffer)).toBe(true);
    const plain = new Encoder(0);
    plain.buf = await encodeProduceRequest(data, compress, NOW);
    plain.offset = plain.buf.length;
    const reference = await theirs({ correlationId: 5, clientId: 'ktool', request: { apiKey: 0, apiVersion: 3, encode: async () => plain } });
    // Timestamps differ (Date.now() at encode): compare everything but the batch's clock fields and CRC.
    expect(framed.buffer.length).toBe(reference.buffer.length);
    expect(framed.buffer.subarray(0, 40).equals(reference.buffer.subarray(0, 40))).toBe(true);
  });
});

describe('consumer Batch', () => {
  type B = { messages: unknown[]; messagesWithinOffset: unknown[]; firstOffset(): string | null; lastOffset(): string; offsetLag(): string; offsetLagLow(): string; isEmpty(): boolean; isEmptyDueToFiltering(): boolean; isEmptyControlRecord(): boolean };
  type Ctor = new (topic: string, fetched: unknown, data: unknown) => B;
  const Theirs = original<Ctor>(PATCHED.batch);
  const Ours = require(PATCHED.batch) as Ctor;
  const record = (offset: string, extra: object = {}) => ({ offset, key: null, value: Buffer.from(offset), isControlRecord: false, batchContext: { producerId: '7', inTransaction: false }, ...extra });
  const big = (n: bigint) => (2n ** 60n + n).toString();
  const cases: Array<[string, unknown, object]> = [
    ['plain', '10', { partition: 0, highWatermark: '13', messages: ['10', '11', '12'].map((o) => record(o)) }],
    ['a compressed batch starting before the fetched offset', 12, { partition: 1, highWatermark: '20', messages: ['8', '9', '10', '11', '12', '13'].map((o) => record(o)) }],
    ['all before it (log compaction)', '30', { partition: 0, highWatermark: '31', messages: ['25', '26'].map((o) => record(o)) }],
    ['empty', '5', { partition: 0, highWatermark: '5', messages: [] }],
    ['control records and an aborted transaction', '0', {
      partition: 2,
      highWatermark: '6',
      abortedTransactions: [{ producerId: '7', firstOffset: '1' }],
      messages: [record('0'), record('1', { batchContext: { producerId: '7', inTransaction: true } }), record('2', { batchContext: { producerId: '7', inTransaction: true } }), record('3', { isControlRecord: true, key: Buffer.from([0, 0, 0, 0]) }), record('4'), record('5', { isControlRecord: true })],
    }],
    ['offsets beyond 2^53', big(5n), { partition: 0, highWatermark: big(9n), messages: [big(4n), big(5n), big(6n)].map((o) => record(o)) }],
  ];
  it.each(cases)('keeps the records kafkajs keeps: %s', (_, fetched, data) => {
    const [ours, theirs] = [new Ours('t', fetched, data), new Theirs('t', fetched, data)];
    expect(typeof Object.getPrototypeOf(ours).offsetLag).toBe('function'); // kafkajs's methods
    expect(ours.messages).toEqual(theirs.messages);
    expect(ours.messagesWithinOffset).toEqual(theirs.messagesWithinOffset);
    for (const m of ['firstOffset', 'lastOffset', 'offsetLag', 'offsetLagLow', 'isEmpty', 'isEmptyDueToFiltering', 'isEmptyControlRecord'] as const) expect(ours[m]()).toEqual(theirs[m]());
  });
});
