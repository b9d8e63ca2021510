// kafkajs 2.2.4's network/connection.js processData gathers a response's socket chunks in a list, then joins them
// (Buffer.concat) once the whole response is there: a 12 MiB fetch held twice, as chunks and joined. This copies each
// chunk into the response's own buffer as it arrives, allocated once its 4-byte size is read, so a chunk is never kept
// (socket.ts may then read every chunk into one reused buffer). The rest is kafkajs's: SASL's handlers get the framed
// response, the request queue the payload after the correlation id. Installed by patches.ts on kafkajs's Connection
// prototype; test/unit/kafka/response-frame.test.ts checks it against kafkajs's with the same chunks.
import { responseBuffer } from './response-pool.js';

interface Fulfilled {
  size: number;
  correlationId: number;
  payload: Buffer;
}

/** The part of kafkajs's Connection processData uses; the fields after it are this file's, per connection. */
export interface FramingConnection {
  authHandlers: { onSuccess(data: Buffer): void } | null;
  authExpectResponse: boolean;
  requestQueue: { fulfillRequest(response: Fulfilled): void };
  socket?: { destroy(error?: Error): void };
  /** The response being gathered (its 4 size bytes first), and how much of it is in. */
  frameResponse?: Buffer | undefined;
  frameHave?: number;
  /** The size bytes of a response whose size is not yet whole. */
  frameHead?: Buffer;
  frameHeadHave?: number;
}

/** kafkajs's Connection.processData, copying chunks into each response's buffer; `raw` may be reused once it returns. */
export function processData(this: FramingConnection, raw: Buffer): void {
  if (this.authHandlers && !this.authExpectResponse) return this.authHandlers.onSuccess(Buffer.from(raw));
  let p = 0;
  while (p < raw.length) {
    let response = this.frameResponse;
    if (response === undefined) {
      const head = (this.frameHead ??= Buffer.alloc(4));
      let have = this.frameHeadHave ?? 0;
      while (have < 4 && p < raw.length) head[have++] = raw[p++]!;
      this.frameHeadHave = have;
      if (have < 4) return;
      const size = head.readInt32BE(0);
      if (size < 4) {
        // No correlation id: not a Kafka response; kafkajs fails the connection's requests when the socket closes.
        this.socket?.destroy(new Error(`Kafka response of ${size} bytes: not a Kafka response`));
        return;
      }
      response = this.frameResponse = responseBuffer(4 + size);
      head.copy(response, 0);
      this.frameHave = 4;
      this.frameHeadHave = 0;
    }
    const n = Math.min(response.length - this.frameHave!, raw.length - p);
    raw.copy(response, this.frameHave!, p, p + n);
    this.frameHave! += n;
    p += n;
    if (this.frameHave! < response.length) return;
    this.frameResponse = undefined;
    if (this.authHandlers) this.authHandlers.onSuccess(response);
    else this.requestQueue.fulfillRequest({ size: response.length - 4, correlationId: response.readInt32BE(4), payload: response.subarray(8) });
  }
}
