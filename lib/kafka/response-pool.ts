// Buffers for large Kafka responses, used again once what was fetched into them has been copied out. kconsume --raw
// copies every value into its output, so a fetch's buffer is free once each of its partitions' records has been handed
// over: 256 MB read was 85 new 3 MiB buffers, each a page-faulted allocation the garbage collector ran to free (19
// full collections of a 9 MiB heap). A buffer goes back only when every partition read from it packed (fetched.ts)
// has released it: one never released (a batch kafkajs dropped, records handed over as objects, a partition left to
// kafkajs's decoding, whose records are views of it) is left to the garbage collector, as before. response-frame.ts takes buffers; fetched.ts leases them; consumer.ts releases.

/** Responses smaller than this get a buffer of their own, as before. */
const POOLED_FROM = 256 * 1024;
/** Free buffers kept at most; pooled buffers are sized in steps of this. */
const KEEP = 4;
const STEP = 1024 * 1024;

/** A pooled buffer and how many packed partitions still read from it. */
export interface Lease {
  readonly buf: Buffer;
  refs: number;
}

const free: Buffer[] = [];
const pooled = new WeakMap<ArrayBufferLike, Lease>();

/** A buffer of `size` bytes for a response: pooled (a free one that fits, else a new one) from POOLED_FROM bytes. */
export function responseBuffer(size: number): Buffer {
  if (size < POOLED_FROM) return Buffer.allocUnsafe(size);
  let best = -1;
  for (let i = 0; i < free.length; i++) if (free[i]!.length >= size && (best < 0 || free[i]!.length < free[best]!.length)) best = i;
  const buf = best >= 0 ? free.splice(best, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(size / STEP) * STEP);
  pooled.set(buf.buffer, { buf, refs: 0 });
  return buf.subarray(0, size);
}

/** The lease of the pooled buffer `view` lies in, one reference more; undefined if it is not pooled. */
export function lease(view: Buffer): Lease | undefined {
  const l = pooled.get(view.buffer);
  if (l) l.refs++;
  return l;
}

/** One reference less; at none the buffer is free for the next response. Call once per lease() only. */
export function release(l: Lease): void {
  l.refs--;
  if (l.refs !== 0) return;
  pooled.delete(l.buf.buffer);
  if (free.length < KEEP) free.push(l.buf);
}
