// Deadlines and what a missed one says; no Kafka client behind them, so the one-shot produce path uses them without kafkajs.
import { EXIT, KtoolError } from '../errors.js';

/** Rejects with the error made by onTimeout if the promise has not settled in ms. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function unreachable(brokers: string[], timeoutMs: number, cause?: unknown): KtoolError {
  return new KtoolError('BROKER_UNREACHABLE', `could not reach Kafka at ${brokers.join(',')} within ${timeoutMs} ms`, {
    exitCode: EXIT.unreachable,
    hint: 'is a broker running? start one with `npx kstack up`, or point -b/--brokers (or KAFKA_BROKERS) at yours; --timeout MS waits longer',
    cause,
  });
}

/** The cluster answered, yet gave the idempotent producer no id in time (InitProducerId kept failing as retriable). */
export function noProducerId(brokers: string[], timeoutMs: number, cause?: unknown): KtoolError {
  // kafkajs wraps the broker's last refusal: "The coordinator is loading..." says why.
  const said = (cause as { cause?: { message?: string } } | undefined)?.cause?.message;
  return new KtoolError('NO_PRODUCER_ID', `Kafka at ${brokers.join(',')} answered, but gave the producer no producer id within ${timeoutMs} ms${said ? ` (the broker said: ${said})` : ''}; --acks all sends idempotently, which needs one`, {
    exitCode: EXIT.unreachable,
    hint: 'brokers get producer ids from the controller quorum: are most KRaft controllers (or ZooKeeper) down? `ktopics describe TOPIC` says; `--acks 1` sends without a producer id; --timeout MS waits longer',
    cause,
  });
}
