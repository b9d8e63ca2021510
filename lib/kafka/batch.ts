// kafkajs 2.2.4's consumer/batch.js (the records of one partition from one fetch) without its per-record cost: its
// constructor made a 64-bit Long of every record's offset to drop those before the fetched offset (a compressed batch
// may start earlier). Offsets ascend within a partition's fetch, so only a prefix can be dropped: it is found by
// comparing offsets from the start, and the records after it are kept as they are. Everything else is kafkajs's: the
// methods come from its class (this one's prototype), and aborted transactions are filtered by its own function.
// Installed by patches.ts; test/unit/kafka/patches.test.ts checks it against kafkajs's on the same fetches.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages.js') as (o: { messages: FetchedRecord[]; abortedTransactions?: unknown[] }) => FetchedRecord[];

interface FetchedRecord {
  offset: string;
  isControlRecord?: boolean;
}

interface PartitionData {
  partition: number;
  highWatermark: string;
  abortedTransactions?: unknown[];
  messages: FetchedRecord[];
}

/** Whether decimal int64 offset a is below b: as numbers while both are exact, else as BigInts. */
function below(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return Number.isSafeInteger(x) && Number.isSafeInteger(y) ? x < y : BigInt(a) < BigInt(b);
}

/** A constructor for kafkajs's Batch class: `prototype` is that class's, so its methods work on what this builds. */
export function fastBatch(prototype: object): new (topic: string, fetchedOffset: unknown, data: PartitionData) => object {
  function Batch(this: Record<string, unknown>, topic: string, fetchedOffset: unknown, data: PartitionData) {
    this.fetchedOffset = fetchedOffset;
    this.topic = topic;
    this.partition = data.partition;
    this.highWatermark = data.highWatermark;
    const messages = data.messages;
    this.rawMessages = messages;
    const from = String(fetchedOffset); // a decimal string, a number or a Long: each prints as the decimal offset
    let skip = 0;
    while (skip < messages.length && below(messages[skip]!.offset, from)) skip++;
    const within = skip === 0 ? messages : messages.slice(skip);
    this.messagesWithinOffset = within;
    this.messages = filterAbortedMessages({ messages: within, abortedTransactions: data.abortedTransactions }).filter((m) => !m.isControlRecord);
  }
  Batch.prototype = prototype;
  return Batch as unknown as new (topic: string, fetchedOffset: unknown, data: PartitionData) => object;
}
