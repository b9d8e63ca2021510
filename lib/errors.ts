// The one error vocabulary: every failure a user can see is a KtoolError with a code, an exit code and a hint.

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  failed: 1, // the operation ran and failed (a message not acknowledged, a broker that died)
  usage: 2, // bad flag, bad value, missing argument
  unreachable: 3, // could not reach Kafka, or a wait ran past its timeout
  environment: 4, // something this machine lacks: Java, Maven, a free port
  auth: 5, // authentication failed (wrong user, password or mechanism), or the broker's TLS certificate was refused
  interrupted: 130, // Ctrl-C
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface KtoolErrorOptions {
  exitCode?: number;
  hint?: string;
  cause?: unknown;
}

export class KtoolError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: KtoolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KtoolError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.failed;
    this.hint = options.hint;
  }
}

export function usageError(message: string, hint?: string): KtoolError {
  return new KtoolError('USAGE', message, { exitCode: EXIT.usage, hint });
}

/** Wraps anything thrown into a KtoolError, keeping the original as its cause. */
export function toKtoolError(error: unknown): KtoolError {
  if (error instanceof KtoolError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KtoolError('INTERNAL', message, { cause: error });
}

/** The usage error for a topic name Kafka would refuse, raised before anything connects. */
export function invalidTopic(name: string): KtoolError {
  return usageError(`"${name}" is not a valid topic name`, 'topic names are 1 to 249 characters from a-z A-Z 0-9 . _ -');
}

/** A partition the topic lacks, whether it came from -p or from a --json-input line (kafkajs would drop the records). */
export function unknownPartition(topic: string, partition: number, count: number): KtoolError {
  return new KtoolError('UNKNOWN_PARTITION', `topic "${topic}" has no partition ${partition} (it has ${count}: 0-${count - 1})`, {
    exitCode: EXIT.failed,
    hint: 'pick a partition that exists; `ktopics describe` lists them',
  });
}

/** Topics found missing by name (ktopics, kgroups -t): the generic hint of lib/kafka is replaced, as the fix is ktopics itself. */
export function unknownTopics(names: string[]): KtoolError {
  const list = names.map((n) => `"${n}"`).join(', ');
  return new KtoolError('UNKNOWN_TOPIC', `topic${names.length > 1 ? 's' : ''} ${list} ${names.length > 1 ? 'do' : 'does'} not exist`, {
    exitCode: EXIT.failed,
    hint: '`ktopics list` shows the topics there are; `ktopics create NAME` makes one',
  });
}
