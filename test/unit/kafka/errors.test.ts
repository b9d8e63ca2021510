import { createRequire } from 'node:module';
import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSTopicMetadataNotLoaded } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { mapKafkaError } from '../../../lib/kafka/index.js';

// Not in kafkajs's typings: the per-topic error of createTopics, and KafkaJSError's cause.
const { KafkaJSCreateTopicError, KafkaJSError } = createRequire(import.meta.url)('kafkajs/src/errors.js');

const options = { brokers: ['127.0.0.1:9092'], timeoutMs: 10_000 };

/** A broker error as kafkajs decodes it from a response. */
function protocolError(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(`broker said ${type}`), { type, code, retriable: true }));
}

const retried = (e: Error) => new KafkaJSNumberOfRetriesExceeded(e, { retryCount: 5, retryTime: 800 });
const unknownTopic = () => protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3);

describe('mapKafkaError', () => {
  it.each([
    { what: 'the broker error itself', error: unknownTopic() },
    // What producing to a missing topic with auto-creation off gives (kafkajs 2.2.4 against Kafka 3.9).
    { what: 'KafkaJSNumberOfRetriesExceeded caused by it', error: retried(unknownTopic()) },
    { what: 'two retry layers deep', error: retried(retried(unknownTopic())) },
    { what: 'an originalError link', error: Object.assign(new Error('wrapped'), { originalError: retried(unknownTopic()) }) },
    { what: 'KafkaJSTopicMetadataNotLoaded', error: new KafkaJSTopicMetadataNotLoaded('Topic metadata not loaded', { topic: 'orders' }) },
    { what: 'KafkaJSTopicMetadataNotLoaded under a retry', error: retried(new KafkaJSTopicMetadataNotLoaded('Topic metadata not loaded', { topic: 'orders' })) },
  ])('maps $what to UNKNOWN_TOPIC (exit 1) with how to create the topic', ({ error }) => {
    const e = mapKafkaError(error, options, 'orders');
    expect(e).toMatchObject({ code: 'UNKNOWN_TOPIC', exitCode: 1, message: 'topic "orders" does not exist', cause: error });
    // True whether or not the broker auto-creates topics, and points to our own command.
    expect(e.hint).toBe(
      'check the name (a typo?), or create it: `ktopics create orders`. kconsume, kgroups and ktopics never create a topic; kproduce does only where the broker allows it (auto.create.topics.enable=true, the default of Kafka and kstack)',
    );
  });

  it.each([
    { what: 'no topic given', topic: undefined, error: retried(unknownTopic()), message: 'topic does not exist', example: '`ktopics create NAME`' },
    // Never a topic named "a,b": one of the two is missing.
    { what: 'several topics', topic: 'a,b', error: unknownTopic(), message: 'one of the topics "a", "b" does not exist', example: '`ktopics create NAME`' },
    { what: 'the topic from KafkaJSTopicMetadataNotLoaded', topic: undefined, error: new KafkaJSTopicMetadataNotLoaded('x', { topic: 'pay' }), message: 'topic "pay" does not exist', example: '`ktopics create pay`' },
  ])('names the topic when it can: $what', ({ topic, error, message, example }) => {
    const e = mapKafkaError(error, options, topic);
    expect(e).toMatchObject({ code: 'UNKNOWN_TOPIC', message });
    expect(e.hint).toContain(example);
  });

  it.each([
    { what: 'a deeply wrapped MESSAGE_TOO_LARGE', error: retried(retried(protocolError('MESSAGE_TOO_LARGE', 10))), code: 'MESSAGE_TOO_LARGE', exitCode: 1 },
    { what: 'a wrapped TOPIC_AUTHORIZATION_FAILED', error: retried(protocolError('TOPIC_AUTHORIZATION_FAILED', 29)), code: 'NOT_AUTHORIZED', exitCode: 1 },
    { what: 'retries of a connection error', error: retried(new KafkaJSConnectionError('Connection error: ECONNREFUSED')), code: 'BROKER_UNREACHABLE', exitCode: 3 },
    { what: 'retries of another broker error', error: retried(protocolError('NOT_LEADER_OR_FOLLOWER', 6)), code: 'BROKER_UNREACHABLE', exitCode: 3 },
    { what: 'an unknown error', error: new Error('boom'), code: 'KAFKA_ERROR', exitCode: 1 },
  ])('maps $what to $code', ({ error, code, exitCode }) => {
    expect(mapKafkaError(error, options, 'orders')).toMatchObject({ code, exitCode });
  });

  it('adds the broker\'s reason to a refused config, which names the config (from createTopics)', () => {
    const refused = Object.assign(new KafkaJSCreateTopicError(protocolError('INVALID_CONFIG', 40), 'orders'), { brokerMessage: 'Invalid value abc for configuration retention.ms: Not a number of type LONG' });
    const e = mapKafkaError(new KafkaJSAggregateError('Topic creation errors', [refused]), options, 'orders');
    expect(e).toMatchObject({ code: 'INVALID_CONFIG', exitCode: 1, message: 'the broker refused a config of topic "orders": Invalid value abc for configuration retention.ms: Not a number of type LONG' });
    // Where our words already say what happened, the broker's are not repeated.
    const exists = Object.assign(new KafkaJSCreateTopicError(protocolError('TOPIC_ALREADY_EXISTS', 36), 'orders'), { brokerMessage: "Topic 'orders' already exists." });
    expect(mapKafkaError(new KafkaJSAggregateError('Topic creation errors', [exists]), options, 'orders').message).toBe('topic "orders" already exists');
  });

  it('returns a KtoolError carried as the cause of a kafkajs error (our replacement of sendMessages raises them)', () => {
    const ours = new KtoolError('UNKNOWN_PARTITION', 'topic "orders" has no partition 7 (it has 3: 0-2)');
    expect(mapKafkaError(new KafkaJSError('topic orders has no partition 7', { retriable: false, cause: ours }), options, 'orders')).toBe(ours);
  });

  it('stops on a cause chain that loops', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b: Error & { cause?: unknown } = new Error('b');
    a.cause = b;
    b.cause = a;
    expect(mapKafkaError(a, options)).toMatchObject({ code: 'KAFKA_ERROR', hint: expect.stringContaining('--debug') });
  });

  it('passes a KtoolError through', () => {
    const original = new KtoolError('ACK_TIMEOUT', 'no acknowledgement', { exitCode: 3 });
    expect(mapKafkaError(original, options)).toBe(original);
  });
});
