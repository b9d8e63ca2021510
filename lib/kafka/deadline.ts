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
