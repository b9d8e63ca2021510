// Input chunks read from a file into pooled buffers (lib/produce/chunks.ts), and the splitter's part in giving them back.
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, ChunkPool, PooledFileStream } from '../../../lib/produce/chunks.js';
import { splitRecordRuns } from '../../../lib/produce/input.js';

const dir = mkdtempSync(join(tmpdir(), 'chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ChunkPool', () => {
  it('reads into a chunk again only once the splitter and every line held from it have let go', () => {
    const pool = new ChunkPool();
    const a = pool.take(); // the splitter's reference
    const view = a.subarray(0, 100);
    pool.hold(view, 3); // three lines queued from it
    pool.drop(view, 1); // split
    pool.drop(view, 2); // two sent
    expect(pool.take().buffer).not.toBe(a.buffer);
    pool.drop(view, 1); // the last one sent
    expect(pool.take().buffer).toBe(a.buffer);
  });

  it('ignores buffers that are not its own, and leaves a chunk never let go of to the garbage collector', () => {
    const pool = new ChunkPool();
    const other = Buffer.alloc(10);
    pool.hold(other, 1);
    pool.drop(other, 5);
    const kept = pool.take(); // the splitter never drops it (the object path)
    expect(pool.take().buffer).not.toBe(kept.buffer);
    expect(kept.length).toBe(CHUNK_BYTES);
  });
});

describe('PooledFileStream', () => {
  const bytes = randomBytes(3 * CHUNK_BYTES + 12_345);
  const file = join(dir, 'data');
  writeFileSync(file, bytes);
  const readAll = async (s: Readable, giveBack?: ChunkPool) => {
    const got: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const c of s) {
      got.push(Buffer.from(c as Buffer));
      buffers.add((c as Buffer).buffer);
      giveBack?.drop(c as Buffer, 1);
    }
    return { all: Buffer.concat(got), buffers: buffers.size, chunks: got.length };
  };

  it('reads a path and an open descriptor (left open) byte for byte, a chunk at a time', async () => {
    expect((await readAll(new PooledFileStream({ path: file }))).all.equals(bytes)).toBe(true);
    const fd = openSync(file, 'r');
    const r = await readAll(new PooledFileStream({ fd }));
    expect(r.all.equals(bytes)).toBe(true);
    expect(r.chunks).toBe(4);
    closeSync(fd); // still open: it would throw EBADF if the stream had closed it
  });

  it('reads into the same buffers again when each chunk is given back', async () => {
    const s = new PooledFileStream({ path: file });
    const r = await readAll(s, s.pool);
    expect(r.all.equals(bytes)).toBe(true);
    expect(r.buffers).toBeLessThan(r.chunks);
  });

  it('an error opening the file ends the stream with it', async () => {
    await expect(readAll(new PooledFileStream({ path: join(dir, 'missing') }))).rejects.toThrow(/ENOENT/);
  });

  it('destroyed mid-read (Ctrl-C), it ends as fs.ReadStream does (premature close), without another chunk', async () => {
    const s = new PooledFileStream({ path: file });
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    s.destroy();
    await expect(it.next()).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(s.destroyed).toBe(true);
  });
});

describe('splitRecordRuns with done (pooled chunks)', () => {
  it('calls done once per chunk, after its runs were taken, and keeps a copy of a line left unfinished', async () => {
    const chunks = [Buffer.from('a\nbb\ncc'), Buffer.from('c\nd'), Buffer.from('dd\n')];
    const log: string[] = [];
    const split = splitRecordRuns(Readable.from(chunks), Buffer.from('\n'), { done: (c) => void log.push(`done ${c.toString()}`) });
    const records: string[] = [];
    for await (const runs of split) {
      log.push('runs');
      for (const { buf, bounds } of runs) for (let i = 0; i < bounds.length; i += 2) records.push(buf.toString('utf8', bounds[i], bounds[i + 1]));
    }
    // What the splitter held of each chunk (the "cc", the "d") survives the chunk being overwritten once done.
    expect(records).toEqual(['a', 'bb', 'ccc', 'ddd']);
    expect(log).toEqual(['runs', 'done a\nbb\ncc', 'runs', 'done c\nd', 'runs', 'done dd\n']);
  });

  it('a chunk overwritten once done does not change the line it began', async () => {
    const first = Buffer.from('x\nhal');
    const records: string[] = [];
    for await (const runs of splitRecordRuns(Readable.from([first, Buffer.from('f\n')]), Buffer.from('\n'), { done: (c) => void c.fill(0x3f) })) {
      for (const { buf, bounds } of runs) for (let i = 0; i < bounds.length; i += 2) records.push(buf.toString('utf8', bounds[i], bounds[i + 1]));
    }
    expect(records).toEqual(['x', 'half']);
  });
});
