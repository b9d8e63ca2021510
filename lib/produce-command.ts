// Maps kproduce's parsed flags to lib/produce, and decides where messages come from.
import { usageError } from './errors.js';
import { interrupted } from './cli/run.js';
import type { Io } from './io.js';
import type { Acks, ConnectionOptions } from './kafka.js';
import { produce } from './produce.js';

export interface ProduceCommandOptions {
  topic: string;
  messages: string[];
  key?: string;
  partition?: number;
  acks: 'all' | '1' | '0';
  json: boolean;
  connection: ConnectionOptions;
  signal?: AbortSignal;
}

const ACKS: Record<ProduceCommandOptions['acks'], Acks> = { all: -1, '1': 1, '0': 0 };

export async function produceCommand(io: Io, o: ProduceCommandOptions): Promise<void> {
  const fromStdin = o.messages.length === 0 || (o.messages.length === 1 && o.messages[0] === '-');
  if (fromStdin && io.stdin.isTTY) {
    throw usageError('no message given and stdin is a terminal', 'pass messages as arguments (kproduce teste hello), or pipe lines in (seq 10 | kproduce teste)');
  }
  const result = await produce(io, { ...o, messages: fromStdin ? [] : o.messages, acks: ACKS[o.acks] });
  if (result.interrupted) throw interrupted('kproduce');
}
