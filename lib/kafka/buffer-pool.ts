// Buffers used again once nothing refers to them: a count of references per buffer (by its ArrayBuffer, so any view of
// it counts), and a short list of free ones. A buffer whose count never comes back to zero is left to the garbage
// collector (the WeakMap holds it weakly). The fetch responses of kconsume --raw (response-pool.ts) and kproduce's
// input chunks (lib/produce/chunks.ts) are pooled with it.

/** A pooled buffer and how many references to it are out. */
export interface Lease {
  readonly buf: Buffer;
  refs: number;
}

export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly held = new WeakMap<ArrayBufferLike, Lease>();

  /** keep: free buffers kept at most. */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes (the smallest free one that fits, else a new one of `alloc` bytes), with `refs` references out. */
  take(size: number, refs: number, alloc = size): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i]!.length >= size && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    const buf = best >= 0 ? this.free.splice(best, 1)[0]! : Buffer.allocUnsafeSlow(alloc);
    this.held.set(buf.buffer, { buf, refs });
    return buf;
  }

  /** n references more to the buffer `view` lies in; its lease, or undefined for a buffer that is not this pool's. */
  hold(view: Buffer, n: number): Lease | undefined {
    const l = this.held.get(view.buffer);
    if (l) l.refs += n;
    return l;
  }

  /** n references fewer; at none the buffer is free to be taken again. */
  drop(view: Buffer, n: number): void {
    const l = this.held.get(view.buffer);
    if (!l) return;
    l.refs -= n;
    if (l.refs !== 0) return;
    this.held.delete(view.buffer);
    if (this.free.length < this.keep) this.free.push(l.buf);
  }
}
