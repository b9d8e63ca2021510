// Buffers for large Kafka responses, used again once what was fetched into them has been copied out. kconsume --raw
// copies every value into its output, so a fetch's buffer is free once each of its partitions' records has been handed
// over: 256 MB read was 85 new 3 MiB buffers, each a page-faulted allocation the garbage collector ran to free (19
// full collections of a 9 MiB heap). A buffer goes back only when every partition read from it packed (fetched.ts)
// has released it: one never released (a batch kafkajs dropped, records handed over as objects, a partition left to
// kafkajs's decoding, whose records are views of it) is left to the garbage collector, as before. response-frame.ts takes buffers; fetched.ts leases them; consumer.ts releases.

import { BufferPool, type Lease } from './buffer-pool.js';

export type { Lease } from './buffer-pool.js';

/** Responses smaller than this get a buffer of their own, as before. */
const POOLED_FROM = 256 * 1024;
/** Free buffers kept at most; pooled buffers are sized in steps of this. */
const KEEP = 4;
const STEP = 1024 * 1024;

const pool = new BufferPool(KEEP);

/** A buffer of `size` bytes for a response: pooled (a free one that fits, else a new one) from POOLED_FROM bytes. */
export function responseBuffer(size: number): Buffer {
  if (size < POOLED_FROM) return Buffer.allocUnsafe(size);
  return pool.take(size, 0, Math.ceil(size / STEP) * STEP).subarray(0, size);
}

/** The lease of the pooled buffer `view` lies in, one reference more; undefined if it is not pooled. */
export const lease = (view: Buffer): Lease | undefined => pool.hold(view, 1);

/** One reference less; at none the buffer is free for the next response. Call once per lease() only. */
export const release = (l: Lease): void => pool.drop(l.buf, 1);
