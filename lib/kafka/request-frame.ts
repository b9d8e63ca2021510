// kafkajs 2.2.4's protocol/request.js frames every request: size, API key and version, correlation id, client id, then
// the body. It copied the body twice to do it (into a header Encoder, then into a size-prefixed one): 2 MiB of copies
// and allocations for each 1 MiB Produce request. This writes the frame once; a body encoded with room in front of it
// (`headroom`, our Produce encoder) gets the header written into that room and is sent without any copy.
// Installed by patches.ts; test/unit/kafka/patches.test.ts checks the bytes against kafkajs's.

/** kafkajs's Encoder, as far as framing needs it: its bytes are buf[0, offset); ours may start at `headroom`. */
export interface EncodedBody {
  buf: Buffer;
  offset: number;
  headroom?: number;
}

interface RequestArgs {
  correlationId: number;
  clientId: string | null | undefined;
  request: { apiKey: number; apiVersion: number; encode: () => Promise<EncodedBody> };
}

/** The room our Produce encoder leaves in front of its body: enough for a client id of up to 50 bytes. */
export const FRAME_HEADROOM = 64;

/** The framed request, as an Encoder-like object whose `buffer` is what goes on the wire. */
export function createFrame(newEncoder: () => EncodedBody): (args: RequestArgs) => Promise<EncodedBody> {
  return async ({ correlationId, clientId, request: { apiKey, apiVersion, encode } }) => {
    const body = await encode();
    const start = body.headroom ?? 0;
    const bodyLength = body.offset - start;
    const id = clientId === null || clientId === undefined ? null : Buffer.from(clientId, 'utf8');
    const header = 4 + 2 + 2 + 4 + 2 + (id?.length ?? 0);
    let out: Buffer;
    let at: number;
    if (start >= header) {
      out = body.buf;
      at = start - header;
    } else {
      out = Buffer.allocUnsafe(header + bodyLength);
      at = 0;
      body.buf.copy(out, header, start, body.offset);
    }
    let p = out.writeInt32BE(header - 4 + bodyLength, at);
    p = out.writeInt16BE(apiKey, p);
    p = out.writeInt16BE(apiVersion, p);
    p = out.writeInt32BE(correlationId, p);
    p = out.writeInt16BE(id === null ? -1 : id.length, p);
    if (id !== null) id.copy(out, p);
    const frame = out.subarray(at, at + header + bodyLength);
    const encoder = newEncoder();
    encoder.buf = frame;
    encoder.offset = frame.length;
    return encoder;
  };
}
