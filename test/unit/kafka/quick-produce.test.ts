// The quick path's resend rule, against fake connections: an answer lost after the Produce was written is asked for
// again with the same bytes (the broker's idempotence stores them once); a refusal after such a loss is no clean
// refusal (the first copy may be stored) and ends the send. test/e2e/produce-oneshot.test.ts sends for real.
import { describe, expect, it } from 'vitest';
import { sendUntilAnswered, type Link, type Requester } from '../../../lib/kafka/quick-produce.js';

/** A Produce v3 answer for one topic: [partition, error code, base offset] each. */
function answer(topic: string, partitions: Array<[number, number, bigint]>): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(4 + 2 + name.length + 4 + partitions.length * 22 + 4);
  let p = b.writeInt32BE(1, 0);
  p = b.writeInt16BE(name.length, p);
  p += name.copy(b, p);
  p = b.writeInt32BE(partitions.length, p);
  for (const [partition, code, base] of partitions) {
    p = b.writeInt32BE(partition, p);
    p = b.writeInt16BE(code, p);
    p = b.writeBigInt64BE(base, p);
    p = b.writeBigInt64BE(-1n, p);
  }
  b.writeInt32BE(0, p);
  return b;
}

/** A link whose connections answer (or fail) in turn from `script`; it records every body sent. */
function scripted(script: Array<Buffer | Error>, stopAfter = Infinity): { link: Link; sent: Buffer[]; connects: number } {
  const state = { sent: [] as Buffer[], connects: 0 };
  let current: Requester | undefined;
  const requester = (): Requester => ({
    request: async (apiKey, _v, body) => {
      expect(apiKey).toBe(0);
      state.sent.push(body);
      const next = script.shift();
      if (next === undefined || next instanceof Error) throw next ?? new Error('no answer scripted');
      return next;
    },
    close: () => {},
  });
  current = requester();
  const link: Link = {
    get: () => current,
    set: (c) => void (current = c),
    connect: async () => (state.connects++, requester()),
    stopped: () => state.sent.length >= stopAfter,
  };
  return {
    link,
    get sent() {
      return state.sent;
    },
    get connects() {
      return state.connects;
    },
  };
}

const body = Buffer.from('the produce request');

describe('sendUntilAnswered', () => {
  it('returns the first answer as it is, refusals included (nothing was lost: the full client takes them)', async () => {
    const s = scripted([answer('t', [[0, 0, 5n], [1, 10, -1n]])]);
    expect(await sendUntilAnswered(s.link, body, 't')).toEqual([
      { partition: 0, errorCode: 0, baseOffset: 5n },
      { partition: 1, errorCode: 10, baseOffset: -1n },
    ]);
    expect(s.sent).toHaveLength(1);
  });

  it('after a lost answer, sends the same bytes again on a new connection', async () => {
    const s = scripted([new Error('the broker closed the connection'), answer('t', [[2, 0, 7n]])]);
    expect(await sendUntilAnswered(s.link, body, 't')).toEqual([{ partition: 2, errorCode: 0, baseOffset: 7n }]);
    expect(s.sent).toEqual([body, body]);
    expect(s.connects).toBe(1);
  });

  it('after a lost answer, a retriable refusal (leader moving) is asked again, not handed on', async () => {
    const s = scripted([new Error('timed out'), answer('t', [[0, 6, -1n]]), answer('t', [[0, 0, 3n]])]);
    expect(await sendUntilAnswered(s.link, body, 't')).toEqual([{ partition: 0, errorCode: 0, baseOffset: 3n }]);
    expect(s.sent).toHaveLength(3);
  });

  it('re-sends a batch stored with too few replicas (NOT_ENOUGH_REPLICAS_AFTER_APPEND) rather than hand it on', async () => {
    const s = scripted([answer('t', [[0, 20, -1n]]), answer('t', [[0, 0, 9n]])]);
    expect(await sendUntilAnswered(s.link, body, 't')).toEqual([{ partition: 0, errorCode: 0, baseOffset: 9n }]);
  });

  it('after a lost answer, a refusal for good says the fate is unknown', async () => {
    const s = scripted([new Error('reset'), answer('t', [[1, 10, -1n]])]);
    await expect(sendUntilAnswered(s.link, body, 't')).rejects.toMatchObject({ code: 'DELIVERY_UNKNOWN', message: expect.stringMatching(/t\[1\].*may or may not be stored/) });
  });

  it('stops at the deadline (or close) with the fate unknown, never silently', async () => {
    const s = scripted([new Error('reset'), new Error('reset'), new Error('reset')], 2);
    await expect(sendUntilAnswered(s.link, body, 't')).rejects.toMatchObject({ code: 'DELIVERY_UNKNOWN' });
    expect(s.sent).toHaveLength(2);
  });
});

/** A broker that answers ApiVersions and Metadata (one topic, one partition it leads) and never InitProducerId. */
async function silentOnProducerId(): Promise<{ address: string; close: () => void }> {
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    let got = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      while (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        const frame = got.subarray(4, 4 + got.readInt32BE(0));
        got = got.subarray(4 + frame.length);
        const [apiKey, id] = [frame.readInt16BE(0), frame.readInt32BE(4)];
        const i16 = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
        const i32 = (v: number) => Buffer.from([(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
        const str = (s: string) => Buffer.concat([i16(s.length), Buffer.from(s)]);
        const port = (server.address() as { port: number }).port;
        const body =
          apiKey === 18 ? Buffer.concat([i16(0), i32(4), i16(0), i16(3), i16(9), i16(3), i16(0), i16(12), i16(18), i16(0), i16(3), i16(22), i16(0), i16(4)])
          : apiKey === 3 ? Buffer.concat([i32(0), i32(1), i32(1), str('127.0.0.1'), i32(port), i16(-1), i16(-1), i32(1), i32(1), i16(0), str('t'), Buffer.from([0]), i32(1), i16(0), i32(0), i32(1), i32(1), i32(1), i32(1), i32(1)])
          : undefined; // InitProducerId: no answer, ever
        if (body) socket.write(Buffer.concat([i32(4 + body.length), i32(id), body]));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

describe('openQuickSession', () => {
  it('a broker that answers but gives no producer id in time is said as such, never "could not reach"', async () => {
    const { openQuickSession } = await import('../../../lib/kafka/quick-produce.js');
    const broker = await silentOnProducerId();
    try {
      await expect(openQuickSession({ brokers: [broker.address], timeoutMs: 300 }, 't', -1, 1_000)).rejects.toMatchObject({ code: 'NO_PRODUCER_ID', message: expect.stringContaining('answered, but gave the producer no producer id within 300 ms') });
      // acks 1 needs no producer id: the same broker gives a session.
      const s = await openQuickSession({ brokers: [broker.address], timeoutMs: 300 }, 't', 1, 1_000);
      expect(s?.partitions).toBe(1);
      s?.close();
    } finally {
      broker.close();
    }
  });
});
