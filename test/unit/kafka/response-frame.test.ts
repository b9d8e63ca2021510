// Responses framed as kafkajs frames them (lib/kafka/response-frame.ts), from chunks cut anywhere, and from chunks read
// into one reused buffer (lib/kafka/socket.ts) against a real socket.
import { createRequire } from 'node:module';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { processData, type FramingConnection } from '../../../lib/kafka/response-frame.js';
import { socketFactory } from '../../../lib/kafka/socket.js';
import '../../../lib/kafka/index.js';
import { original } from '../../support/kafkajs-original.js';

const require = createRequire(import.meta.url);
const Connection = require('kafkajs/src/network/connection.js') as { prototype: { processData: unknown } };

/** kafkajs's own processData, from its source (patches.ts replaced the prototype's). */
const theirProcessData = () => original<typeof Connection>('kafkajs/src/network/connection.js').prototype.processData as (this: unknown, raw: Buffer) => void;

interface Got {
  size: number;
  correlationId: number;
  payload: Buffer;
}
/** A connection as processData sees it, recording what reaches the request queue (copied: the test reuses buffers). */
function connection(): FramingConnection & { got: Got[]; chunks: Buffer[]; bytesBuffered: number; bytesNeeded: number } {
  const got: Got[] = [];
  return { authHandlers: null, authExpectResponse: false, requestQueue: { fulfillRequest: (r) => void got.push({ ...r, payload: Buffer.from(r.payload) }) }, got, chunks: [], bytesBuffered: 0, bytesNeeded: 4 };
}
const response = (correlationId: number, payload: Buffer) => {
  const b = Buffer.alloc(8 + payload.length);
  b.writeInt32BE(4 + payload.length, 0);
  b.writeInt32BE(correlationId, 4);
  payload.copy(b, 8);
  return b;
};
const stream = Buffer.concat([response(1, Buffer.from('first')), response(2, Buffer.alloc(0)), response(3, randomBytes(200_000)), response(4, Buffer.from('x'))]);

/** Cuts bytes into chunks of the given sizes, cycling. */
const cut = (bytes: Buffer, sizes: number[]) => {
  const out: Buffer[] = [];
  for (let p = 0, i = 0; p < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(p, p + n));
    p += n;
  }
  return out;
};

describe('response framing', () => {
  it('is the processData kafkajs connections use', () => {
    expect(Connection.prototype.processData).toBe(processData);
  });

  it.each([
    ['the whole stream in one chunk', [stream.length]],
    ['one byte at a time', [1]],
    ['the size prefix split (3 + 2 + ...)', [3, 2, 7, 64 * 1024]],
    ['uneven chunks', [5, 13, 4096, 1, 70_000]],
  ])('gives the request queue what kafkajs gives it: %s', (_, sizes) => {
    const [ours, theirs] = [connection(), connection()];
    const kafkajs = theirProcessData();
    // Each chunk comes in one reused buffer, overwritten after each call, as socket.ts reads them.
    const shared = Buffer.alloc(Math.max(...sizes));
    for (const chunk of cut(stream, sizes)) {
      chunk.copy(shared);
      processData.call(ours, shared.subarray(0, chunk.length));
      shared.fill(0xee);
      kafkajs.call(theirs, Buffer.from(chunk));
    }
    expect(ours.got.map((g) => g.correlationId)).toEqual([1, 2, 3, 4]);
    expect(ours.got).toEqual(theirs.got);
  });

  it('hands a SASL response, size prefix included, to the authentication handler, and goes on with what follows', () => {
    const c = connection();
    const auth: Buffer[] = [];
    c.authHandlers = { onSuccess: (b) => void auth.push(Buffer.from(b)) };
    c.authExpectResponse = true;
    const sasl = response(9, Buffer.from('sasl'));
    processData.call(c, sasl.subarray(0, 6));
    processData.call(c, sasl.subarray(6));
    expect(auth).toEqual([sasl]);
  });

  it('fails the connection on a size too small to hold a correlation id, rather than reading garbage', () => {
    const c = connection();
    let destroyed: Error | undefined;
    c.socket = { destroy: (e) => void (destroyed = e) };
    processData.call(c, Buffer.from([0, 0, 0, 2, 1, 1]));
    expect(destroyed?.message).toMatch(/not a Kafka response/);
    expect(c.got).toEqual([]);
  });
});

describe('plaintext socket', () => {
  let server: net.Server | undefined;
  afterEach(() => void server?.close());

  it('emits every byte the peer sent, in order, read into one buffer that each data event sees a view of', async () => {
    const sent = randomBytes(3 * 1024 * 1024 + 17);
    server = net.createServer((s) => s.end(sent));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const tls = () => {
      throw new Error('not a TLS connection');
    };
    const got: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    await new Promise<void>((resolve, reject) => {
      const socket = socketFactory(tls)({ host: '127.0.0.1', port, ssl: undefined, onConnect: () => {} });
      socket.on('data', (d: Buffer) => {
        backing.add(d.buffer);
        got.push(Buffer.from(d));
      });
      socket.on('end', resolve);
      socket.on('error', reject);
    });
    expect(Buffer.concat(got).equals(sent)).toBe(true);
    expect(backing.size).toBe(1);
  });

  it('leaves TLS connections to the factory it was given', () => {
    const made = { tls: true } as unknown as net.Socket;
    expect(socketFactory(() => made)({ host: 'h', port: 1, ssl: {}, onConnect: () => {} })).toBe(made);
  });
});
