// kafkajs 2.2.4's response parsers for CreateTopics (protocol/requests/createTopics/v0/response.js, which v1-v3 reuse)
// and AlterConfigs (alterConfigs/v0/response.js, which v1 reuses), with the broker's error_message kept: kafkajs decodes
// it, then drops it, so an INVALID_CONFIG never said which config or why ("Unknown topic config name: bogus.cfg").
// Installed by patches.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { failure, createErrorFromCode } = require('kafkajs/src/protocol/error.js');
const { KafkaJSAggregateError, KafkaJSCreateTopicError } = require('kafkajs/src/errors.js');

/** The broker's words, as `brokerMessage` on the error kafkajs makes (null or empty: none). */
const withMessage = <E extends object>(error: E, message: string | null | undefined): E => (message ? Object.assign(error, { brokerMessage: message }) : error);

interface TopicError {
  topic: string;
  errorCode: number;
  /** v1 and later; null when the broker gives no detail. */
  errorMessage?: string | null;
}

/** Throws kafkajs's aggregate of per-topic errors, as the original does; each also carries the broker's message. */
export async function parseCreateTopicsResponse<T extends { topicErrors: TopicError[] }>(data: T): Promise<T> {
  const withError = data.topicErrors.filter(({ errorCode }) => failure(errorCode));
  if (withError.length > 0) {
    throw new KafkaJSAggregateError(
      'Topic creation errors',
      withError.map((e) => withMessage(new KafkaJSCreateTopicError(createErrorFromCode(e.errorCode), e.topic), e.errorMessage)),
    );
  }
  return data;
}

interface ResourceError {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** Throws the first failed resource's error, as the original does, with the broker's message. */
export async function parseAlterConfigsResponse<T extends { resources: ResourceError[] }>(data: T): Promise<T> {
  const failed = data.resources.find(({ errorCode }) => failure(errorCode));
  if (failed) throw withMessage(createErrorFromCode(failed.errorCode), failed.errorMessage);
  return data;
}
