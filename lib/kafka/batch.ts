// kafkajs 2.2.4's consumer/batch.js (the records of one partition from one fetch) without its per-record cost: its
// constructor made a 64-bit Long of every record's offset to drop those before the fetched offset (a compressed batch
// may start earlier). Offsets ascend within a partition's fetch, so only a prefix can be dropped: it is found by
// comparing offsets from the start, and the records after it are kept as they are. Everything else is kafkajs's: the
// methods come from its class (this one's prototype), and aborted transactions are filtered by its own function.
// Records fetched packed (fetched.ts) stay packed: `packed` holds them, for consumer.ts to read; `messages` is then an
// array of their number with only its first and last entries set, which is all kafkajs's runner reads of it.
// Installed by patches.ts; test/unit/kafka/patches.test.ts checks it against kafkajs's on the same fetches.
import { createRequire } from 'node:module';
import { PackedFetch, RecordCursor } from './fetched.js';

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
  messages: FetchedRecord[] | PackedFetch;
}

/** A packed batch's records as consumer.ts reads them: the first `skip` (below the fetched offset) are not handed over. */
export interface PackedBatch {
  fetch: PackedFetch;
  skip: number;
}

/** kafkajs's view of a packed batch's records: `count` long, with the first and last records' offsets set. */
function endsOnly(count: number, first: number, last: number): FetchedRecord[] {
  const list: FetchedRecord[] = [];
  if (count === 0) return list;
  list.length = count; // holes between: no slot per record
  list[0] = { offset: String(first), isControlRecord: false };
  list[count - 1] = { offset: String(last), isControlRecord: false };
  return list;
}

/** How many records of a packed fetch lie below `from`, and the offsets of the first and last at or above it. */
function packedWithin(fetch: PackedFetch, from: number): { skip: number; first: number; last: number } {
  const runs = fetch.runs;
  let skip = 0;
  // Offsets ascend: only the leading runs can hold records below `from`; a run wholly below it is skipped whole.
  let i = 0;
  while (i < runs.length && runs[i]!.baseOffset + runs[i]!.lastOffsetDelta < from) skip += runs[i++]!.count;
  let first = -1;
  const lead = new RecordCursor(runs.slice(i));
  while (first < 0 && lead.next()) {
    if (lead.offset >= from) first = lead.offset;
    else skip++;
  }
  // The last record's own offset (compaction may have removed a batch's last, so the header's last delta can overshoot).
  let last = -1;
  const tail = new RecordCursor(runs.slice(-1));
  while (tail.next()) last = tail.offset;
  return { skip, first, last };
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
    const from = String(fetchedOffset); // a decimal string, a number or a Long: each prints as the decimal offset
    if (data.messages instanceof PackedFetch) {
      const fetch = data.messages;
      const { skip, first, last } = packedWithin(fetch, Number(from));
      this.rawMessages = endsOnly(fetch.count, first, last); // kafkajs reads only its length
      this.messagesWithinOffset = this.messages = endsOnly(fetch.count - skip, first, last);
      this.packed = { fetch, skip } satisfies PackedBatch;
      return;
    }
    const messages = data.messages;
    this.rawMessages = messages;
    let skip = 0;
    while (skip < messages.length && below(messages[skip]!.offset, from)) skip++;
    const within = skip === 0 ? messages : messages.slice(skip);
    this.messagesWithinOffset = within;
    this.messages = filterAbortedMessages({ messages: within, abortedTransactions: data.abortedTransactions }).filter((m) => !m.isControlRecord);
  }
  Batch.prototype = prototype;
  return Batch as unknown as new (topic: string, fetchedOffset: unknown, data: PartitionData) => object;
}
