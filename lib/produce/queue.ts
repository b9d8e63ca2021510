// Where kproduce's reader leaves records for its sender, and how the sender takes a batch: records one by one
// (OutRecord objects), or plain lines packed as spans of the input's chunks (lib/kafka/packed.ts), one object per chunk.
import { keyFieldSize, PackedRecords, recordSizeBound, runLength, type RecordRun } from '../kafka/packed.js';
import type { OutRecord } from '../kafka/index.js';

/** A batch as the sender holds it: the records to send, and what their reports need of each one. */
export interface Batch {
  readonly length: number;
  /** Key and value bytes. */
  readonly bytes: number;
  /** Record i as an object (packed batches make it on the spot: for refusals and reports only). */
  record(i: number): OutRecord;
  readonly payload: { kind: 'records'; records: OutRecord[] } | { kind: 'packed'; records: PackedRecords };
}

export interface Queue {
  /** Records held. */
  readonly length: number;
  /** Key and value bytes held. */
  readonly bytes: number;
  /** The next batch: at most maxRecords records, and records up to maxBytes of keys and values (at least one). */
  take(maxRecords: number, maxBytes: number): Batch;
}

const size = (b: Buffer | string | null) => (b === null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.length);
export const recordBytes = (r: OutRecord): number => size(r.key) + size(r.value);

export function recordQueue(): Queue & { push(r: OutRecord): void } {
  let held: OutRecord[] = [];
  let heldBytes = 0;
  return {
    get length() {
      return held.length;
    },
    get bytes() {
      return heldBytes;
    },
    push(r) {
      held.push(r);
      heldBytes += recordBytes(r);
    },
    take(maxRecords, maxBytes) {
      let take = 0;
      let bytes = 0;
      while (take < held.length && take < maxRecords && (take === 0 || bytes < maxBytes)) bytes += recordBytes(held[take++]!);
      const records = held.splice(0, take);
      heldBytes -= bytes;
      return { length: records.length, bytes, record: (i) => records[i]!, payload: { kind: 'records', records } };
    },
  };
}

/**
 * Plain lines, each sent with the same key (kproduce -k, or null). take's maxBytes bounds a batch's size as encoded
 * (records with their lengths and varints), since one partition may take a packed batch whole (lib/kafka/lanes.ts).
 */
export function runQueue(key: string | null): Queue & { push(run: RecordRun): void } {
  const runs: RecordRun[] = [];
  let count = 0;
  let heldBytes = 0;
  const keySize = size(key);
  const keyField = keyFieldSize(key === null ? null : keySize);
  return {
    get length() {
      return count;
    },
    get bytes() {
      return heldBytes;
    },
    push(run) {
      runs.push(run);
      const n = runLength(run);
      count += n;
      // Keys and the span from the first record's start to the last one's end (delimiters included: near enough).
      if (n > 0) heldBytes += n * keySize + run.bounds[2 * n - 1]! - run.bounds[0]!;
    },
    take(maxRecords, maxBytes) {
      const taken: RecordRun[] = [];
      let n = 0;
      let bytes = 0;
      let encoded = 0;
      let full = false;
      while (runs.length > 0 && !full) {
        const run = runs[0]!;
        const { bounds } = run;
        // As many of this run's records as the limits allow: always one, then none that would cross a limit.
        let j = 0;
        for (; j < bounds.length; j += 2) {
          const length = bounds[j + 1]! - bounds[j]!;
          const record = recordSizeBound(keyField, length);
          if (n === maxRecords || (n > 0 && encoded + record > maxBytes)) {
            full = true;
            break;
          }
          encoded += record;
          bytes += keySize + length;
          n++;
        }
        if (j === bounds.length) taken.push(runs.shift()!);
        else {
          if (j > 0) taken.push({ buf: run.buf, bounds: bounds.subarray(0, j) });
          runs[0] = { buf: run.buf, bounds: bounds.subarray(j) };
        }
      }
      count -= n;
      heldBytes = count === 0 ? 0 : Math.max(0, heldBytes - bytes);
      const records = new PackedRecords(taken, key);
      return { length: n, bytes, record: (i) => records.at(i), payload: { kind: 'packed', records } };
    },
  };
}
