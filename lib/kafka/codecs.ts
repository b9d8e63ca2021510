// Compression codecs kafkajs lacks (snappy, lz4, zstd): registered once, each package loaded on first use.
// The one file besides lib/kafka/ that imports kafkajs: the codec table to fill lives there.
import './patches.js'; // first: replaces two kafkajs producer internals before kafkajs loads them
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

/** What kafkajs's codec factories return; compress is handed kafkajs's Encoder, whose bytes are in .buffer. */
export interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const require = createRequire(import.meta.url);
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Runs load on the first call only: the CLI starts without these packages and loads one when a batch needs it. */
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

// Raw snappy out; in, raw or the xerial framing Java clients write.
const snappy = once(() => (require('kafkajs-snappy') as () => Codec)());
// LZ4 frames of independent 64 KB blocks with a correct header checksum, as Kafka's Lz4BlockInputStream requires (KIP-57).
const lz4 = once(() => require('lz4-napi') as typeof import('lz4-napi'));
// The wasm zstd encodes; fzstd decodes, including frames without a content size (Java's ZstdOutputStream) and concatenated ones.
const zstdEncoder = once(async () => {
  const zstd = require('@bokuweb/zstd-wasm') as typeof import('@bokuweb/zstd-wasm');
  await zstd.init();
  return zstd;
});
const zstdDecoder = once(() => require('fzstd') as typeof import('fzstd'));

const SNAPPY: Codec = { compress: (e) => snappy().compress(e), decompress: (b) => snappy().decompress(b) };
const LZ4: Codec = { compress: (e) => lz4().compressFrame(e.buffer), decompress: (b) => lz4().decompressFrame(b) };
const ZSTD: Codec = {
  compress: async (e) => asBuffer((await zstdEncoder()).compress(e.buffer, 3)),
  decompress: async (b) => asBuffer(zstdDecoder().decompress(b)),
};

// kafkajs calls a factory for every batch; these only hand out the codecs above, loading nothing.
const FACTORIES = { snappy: () => SNAPPY, lz4: () => LZ4, zstd: () => ZSTD };

/** Puts the same factories in kafkajs's codec table every time, so calling it again changes nothing. */
export function registerCodecs(): void {
  // kafkajs is CommonJS and Node cannot see CompressionCodecs as a named export.
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  CompressionCodecs[CompressionTypes.Snappy] = FACTORIES.snappy;
  CompressionCodecs[CompressionTypes.LZ4] = FACTORIES.lz4;
  CompressionCodecs[CompressionTypes.ZSTD] = FACTORIES.zstd;
}
