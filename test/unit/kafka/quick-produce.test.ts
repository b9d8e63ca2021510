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
