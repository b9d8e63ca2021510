// lib/codecs: registration, loading on first use, real compression, and the frames other Kafka clients write.
import { createRequire } from 'node:module';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { registerCodecs, type Codec } from '../../../lib/kafka/codecs.js';

const TYPES = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;
type Name = keyof typeof TYPES;
const codec = (name: Name) => (CompressionCodecs[TYPES[name]] as () => Codec)();

const PACKAGES = ['kafkajs-snappy', 'snappyjs', 'lz4-napi', '@bokuweb/zstd-wasm', 'fzstd'];
const requireCache = createRequire(import.meta.url).cache;
/** The codec packages in Node's module cache, i.e. those loaded so far in this process. */
const loaded = () => PACKAGES.filter((p) => Object.keys(requireCache).some((file) => file.includes(`/node_modules/${p}/`)));

/** 1,000 JSON lines that differ only in a counter, like a batch of similar events. */
const repetitive = Buffer.from(Array.from({ length: 1_000 }, (_, i) => `{"id":${i},"event":"page_view","path":"/products/shoes"}\n`).join(''));

// Runs first: the laziness test needs a process in which no codec has been used yet.
describe('registerCodecs', () => {
  it('fills the table the same way every time and loads no codec package until a batch is compressed or decompressed', async () => {
    registerCodecs();
    const first = [TYPES.snappy, TYPES.lz4, TYPES.zstd].map((t) => CompressionCodecs[t]);
    registerCodecs();
    expect([TYPES.snappy, TYPES.lz4, TYPES.zstd].map((t) => CompressionCodecs[t])).toEqual(first);
    // kafkajs calls the factory for every batch: that alone must load nothing.
    expect(codec('lz4')).toBe(codec('lz4'));
    expect(loaded()).toEqual([]);

    await codec('lz4').compress({ buffer: Buffer.from('x') });
    expect(loaded()).toEqual(['lz4-napi']);
    await codec('zstd').decompress(Buffer.from(await codec('zstd').compress({ buffer: Buffer.from('x') })));
    expect(loaded()).toEqual(['lz4-napi', '@bokuweb/zstd-wasm', 'fzstd']);
  });
});

describe.each(Object.keys(TYPES) as Name[])('%s', (name) => {
  it('compresses 1,000 similar records to a small fraction of their size, and decompresses them back', async () => {
    registerCodecs();
    const compressed = await codec(name).compress({ buffer: repetitive });
    expect(Buffer.isBuffer(compressed)).toBe(true);
    expect(compressed.length).toBeLessThan(repetitive.length / 5);
    expect((await codec(name).decompress(compressed)).equals(repetitive)).toBe(true);
  });

  it('round-trips empty and incompressible input', async () => {
    registerCodecs();
    for (const input of [Buffer.alloc(0), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24))]) {
      const back = await codec(name).decompress(await codec(name).compress({ buffer: input }));
      expect(back.equals(input)).toBe(true);
    }
  });
});

describe('frames written by other clients', () => {
  const text = Buffer.from('kafka '.repeat(50));

  it('snappy: reads the xerial framing of the Java client (magic, versions, then length-prefixed chunks)', async () => {
    registerCodecs();
    const chunks = await Promise.all([text.subarray(0, 100), text.subarray(100)].map((part) => codec('snappy').compress({ buffer: part })));
    const sized = chunks.flatMap((c) => [Buffer.from([0, 0, 0, 0].map((_, i) => (c.length >>> (24 - 8 * i)) & 0xff)), c]);
    const header = Buffer.from([0x82, ...Buffer.from('SNAPPY'), 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const xerial = Buffer.concat([header, ...sized]);
    expect((await codec('snappy').decompress(xerial)).equals(text)).toBe(true);
  });

  it('lz4: writes version 01 frames of independent blocks (Kafka refuses dependent ones), and reads block and content checksums', async () => {
    registerCodecs();
    const frame = await codec('lz4').compress({ buffer: repetitive });
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    const flg = frame[4] ?? 0;
    expect({ version: flg >> 6, independent: (flg >> 5) & 1, reserved: flg & 3 }).toEqual({ version: 1, independent: 1, reserved: 0 });
    // `lz4 -BX` (block checksums; the CLI adds a content checksum) of the text above.
    const checksummed = Buffer.from('04224d187440bd110000006f6b61666b61200600ff0f5061666b61203f32f6e5000000009e55b411', 'hex');
    expect((await codec('lz4').decompress(checksummed)).equals(text)).toBe(true);
  });

  it('zstd: reads a frame without a content size (as streaming encoders write) and concatenated frames', async () => {
    registerCodecs();
    // `zstd -c` of the text above, read from a pipe: the frame header has no content size.
    const streamed = Buffer.from('28b52ffd04586d0000306b61666b6120010023514b118b2b2c40', 'hex');
    expect((await codec('zstd').decompress(streamed)).equals(text)).toBe(true);
    const own = await codec('zstd').compress({ buffer: repetitive });
    expect((await codec('zstd').decompress(Buffer.concat([streamed, own]))).equals(Buffer.concat([text, repetitive]))).toBe(true);
  });
});
