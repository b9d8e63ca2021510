// lib/kafka/request-queue.ts against kafkajs's own RequestQueue: the same sends, throttling and in-flight limit, without
// the idle timer kafkajs set with a negative delay (Node 23+ warns about it on stderr).
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PATCHED } from '../../../lib/kafka/patches.js';
import { CHECK_PENDING_REQUESTS_INTERVAL, RequestQueue } from '../../../lib/kafka/request-queue.js';

const require = createRequire(import.meta.url);

/** kafkajs's own class, bypassing the cache entry our patch put there. */
function original(): typeof RequestQueue {
  const path = require.resolve(PATCHED.requestQueue);
  const saved = require.cache[path];
  delete require.cache[path];
  try {
    return require(path);
  } finally {
    if (saved) require.cache[path] = saved;
  }
}
const KafkajsRequestQueue = original();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

type Queue = InstanceType<typeof RequestQueue> & {
  push(r: object): void;
  fulfillRequest(r: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number | null): void;
  destroy(): void;
};

/** A queue and the requests it sent, in order; each request resolves when its answer is fulfilled. */
function harness(Queue: typeof RequestQueue, maxInFlightRequests: number | null = null) {
  const queue = new (Queue as any)({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:1', logger: quiet }) as Queue;
  const sent: number[] = [];
  const answered: number[] = [];
  const push = (correlationId: number) =>
    queue.push({
      entry: { correlationId, apiKey: 3, apiName: 'Metadata', apiVersion: 6, resolve: () => answered.push(correlationId), reject: () => {} },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
  const answer = (correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });
  return { queue, sent, answered, push, answer };
}

/** The delays passed to setTimeout while fn runs; no timer is armed (kafkajs's negative one would warn on stderr). */
function delaysOf(fn: () => void): number[] {
  const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation((() => ({ unref() {} })) as never);
  try {
    fn();
    return spy.mock.calls.map((c) => c[1] as number);
  } finally {
    spy.mockRestore();
  }
}

describe('RequestQueue', () => {
  const queues: Queue[] = [];
  // Fake timers throughout: kafkajs's original arms a negative-delay timer, and a real one prints a warning on stderr.
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
    for (const q of queues.splice(0)) q.destroy();
  });

  it('kafkajs (the original) sets a timer with a negative delay after every answer on an idle queue; ours sets none', () => {
    for (const [Queue, expected] of [[KafkajsRequestQueue, 'negative'], [RequestQueue, 'none']] as const) {
      const h = harness(Queue);
      queues.push(h.queue);
      h.push(1);
      const delays = delaysOf(() => h.answer(1));
      expect(h.answered).toEqual([1]);
      if (expected === 'negative') expect(delays.length === 1 && delays[0]! < -1e12).toBe(true);
      else expect(delays).toEqual([]);
      expect(h.queue.throttleCheckTimeoutId === null).toBe(expected === 'none');
    }
  });

  it.each([['kafkajs', KafkajsRequestQueue], ['ours', RequestQueue]] as const)('%s: a request held back by maxInFlightRequests goes out when the one in flight is answered', (_, Queue) => {
    const h = harness(Queue, 1);
    queues.push(h.queue);
    h.push(1);
    const delays = delaysOf(() => h.push(2));
    expect(delays).toEqual([CHECK_PENDING_REQUESTS_INTERVAL]);
    h.queue.throttleCheckTimeoutId = null; // the timer delaysOf recorded but never armed
    expect(h.sent).toEqual([1]);
    h.answer(1);
    expect(h.sent).toEqual([1, 2]);
    h.answer(2);
    expect(h.answered).toEqual([1, 2]);
  });

  it.each([['kafkajs', KafkajsRequestQueue], ['ours', RequestQueue]] as const)('%s: while the broker throttles the client, requests wait until the throttle ends, then go out in order', async (_, Queue) => {
    const h = harness(Queue);
    queues.push(h.queue);
    h.queue.maybeThrottle(500);
    h.push(1);
    h.push(2);
    expect(h.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(499);
    expect(h.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.sent).toEqual([1, 2]);
  });

  it('ours keeps no timer once the queue is idle (kafkajs re-armed one every millisecond for the life of the connection)', async () => {
    const ours = harness(RequestQueue, 1);
    const theirs = harness(KafkajsRequestQueue, 1);
    for (const h of [ours, theirs]) {
      queues.push(h.queue);
      h.push(1);
      h.push(2);
      h.answer(1);
      h.answer(2);
      expect(h.answered).toEqual([1, 2]);
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(ours.queue.throttleCheckTimeoutId).toBeNull();
    expect(theirs.queue.throttleCheckTimeoutId).not.toBeNull();
    expect(vi.getTimerCount()).toBe(1); // kafkajs's, which re-arms itself
  });
});
