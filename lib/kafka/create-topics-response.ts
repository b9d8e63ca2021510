// kafkajs 2.2.4's CreateTopics response parser (protocol/requests/createTopics/v0/response.js, which v1-v3 reuse) with
// the broker's error_message kept: kafkajs decodes it (v1+), then drops it, so an INVALID_CONFIG never said which
// config or why ("Unknown topic config name: bogus.cfg"). Installed by patches.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { failure, createErrorFromCode } = require('kafkajs/src/protocol/error.js');
const { KafkaJSAggregateError, KafkaJSCreateTopicError } = require('kafkajs/src/errors.js');

interface TopicError {
  topic: string;
  errorCode: number;
  /** v1 and later; null when the broker gives no detail. */
  errorMessage?: string | null;
}

/** Throws kafkajs's aggregate of per-topic errors, as the original does; each also carries `brokerMessage` when the broker sent one. */
export async function parseCreateTopicsResponse<T extends { topicErrors: TopicError[] }>(data: T): Promise<T> {
  const withError = data.topicErrors.filter(({ errorCode }) => failure(errorCode));
  if (withError.length > 0) {
    throw new KafkaJSAggregateError(
      'Topic creation errors',
      withError.map((e) => Object.assign(new KafkaJSCreateTopicError(createErrorFromCode(e.errorCode), e.topic), e.errorMessage ? { brokerMessage: e.errorMessage } : {})),
    );
  }
  return data;
}
