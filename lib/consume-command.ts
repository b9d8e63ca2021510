// Maps kconsume's parsed flags to lib/consume.
import { interrupted } from './cli/run.js';
import type { Io } from './io.js';
import type { ConnectionOptions } from './kafka.js';
import { consume } from './consume.js';

export interface ConsumeCommandOptions {
  topics: string[];
  group?: string;
  fromBeginning: boolean;
  maxMessages?: number;
  exit: boolean;
  json: boolean;
  connection: ConnectionOptions;
  signal?: AbortSignal;
}

export async function consumeCommand(io: Io, o: ConsumeCommandOptions): Promise<void> {
  const result = await consume(io, {
    connection: o.connection,
    topics: o.topics,
    ...(o.group === undefined ? {} : { groupId: o.group }),
    fromBeginning: o.fromBeginning,
    ...(o.maxMessages === undefined ? {} : { maxMessages: o.maxMessages }),
    exitAtEnd: o.exit,
    json: o.json,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (result.interrupted) throw interrupted('kconsume');
}
