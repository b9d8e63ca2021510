// Input read from a regular file (`kproduce t < big.log`, -f) into chunk buffers used again once every line of them has
// been sent: a new 1 MiB buffer per read was garbage the collector freed only every ~64 MiB (V8 runs a full collection
// per that much external memory), so most of kproduce's peak memory and a third of its CPU with 1 KiB lines (issue 16).
// A chunk goes back to the pool when nothing refers to it: the splitter has done with it (input.ts copies what it keeps
// of a chunk's unfinished line) and each line queued from it (produce.ts) was sent and answered, or the send failed.
// A chunk whose references are never all dropped (the object path: records kept as Buffers) is left to the collector.
import { close, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { BufferPool } from '../kafka/buffer-pool.js';

export const CHUNK_BYTES = 1024 * 1024;
/** Free chunks kept at most: about what is held at once (two queued batches, five in flight, one read ahead). */
const KEEP = 12;

/** The pool chunks are read into (lib/kafka/buffer-pool.ts), by the whole chunk. */
export class ChunkPool {
  private readonly pool = new BufferPool(KEEP);

  /** A chunk to read into, with one reference: the splitter's, dropped once it has split the chunk. */
  take(): Buffer {
    return this.pool.take(CHUNK_BYTES, 1);
  }

  /** n references more to the chunk `view` lies in; nothing for a buffer that is not this pool's. */
  hold(view: Buffer, n: number): void {
    this.pool.hold(view, n);
  }

  /** n references fewer; at none the chunk is free to be read into again. */
  drop(view: Buffer, n: number): void {
    this.pool.drop(view, n);
  }
}

/** A file (a path, or an open descriptor left open) read chunk by chunk into the pool's buffers: one Buffer per read. */
export class PooledFileStream extends Readable {
  private fd: number | undefined;
  /** A read in progress; a destroy during it closes the file once it is over (as fs.ReadStream does). */
  private reading = false;
  private afterRead: (() => void) | undefined;

  constructor(
    private readonly source: { path: string } | { fd: number },
    readonly pool: ChunkPool = new ChunkPool(),
  ) {
    super({ objectMode: true, highWaterMark: 1 });
    if ('fd' in source) this.fd = source.fd;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    if (!('path' in this.source)) return callback();
    open(this.source.path, 'r', (e, fd) => {
      this.fd = fd;
      callback(e);
    });
  }

  override _read(): void {
    const buf = this.pool.take();
    this.reading = true;
    read(this.fd!, buf, 0, buf.length, null, (e, n) => {
      this.reading = false;
      this.afterRead?.();
      if (e || n === 0 || this.destroyed) {
        this.pool.drop(buf, 1);
        if (e) this.destroy(e);
        else if (!this.destroyed) this.push(null);
        return;
      }
      this.push(buf.subarray(0, n));
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A descriptor given (fd 0) stays open, as createReadStream's autoClose: false; one this opened is closed.
    if (!('path' in this.source) || this.fd === undefined) return callback(error);
    const fd = this.fd;
    const shut = () => close(fd, () => callback(error));
    if (this.reading) this.afterRead = shut;
    else shut();
  }
}
