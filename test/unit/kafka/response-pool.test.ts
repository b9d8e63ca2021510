// Response buffers used again (lib/kafka/response-pool.ts): never while a partition read from one still holds it.
import { describe, expect, it } from 'vitest';
import { lease, release, responseBuffer } from '../../../lib/kafka/response-pool.js';

const MiB = 1024 * 1024;

describe('response buffers', () => {
  it('gives a large response a buffer again only once every lease of it is released', () => {
    const first = responseBuffer(3 * MiB);
    expect(first.length).toBe(3 * MiB);
    const [a, b] = [lease(first), lease(first.subarray(100, 200))]; // two partitions' records in one response
    expect(a).toBeDefined();
    expect(b).toBe(a);
    release(a!);
    expect(responseBuffer(3 * MiB).buffer).not.toBe(first.buffer); // one partition still reads from it
    release(b!);
    const again = responseBuffer(2 * MiB + 5); // a smaller response fits the freed buffer
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(2 * MiB + 5);
  });

  it('leaves a buffer that is never released to the garbage collector, and small responses unpooled', () => {
    const kept = responseBuffer(4 * MiB);
    lease(kept); // a batch kafkajs dropped: never released
    expect(responseBuffer(4 * MiB).buffer).not.toBe(kept.buffer);
    const small = responseBuffer(1000);
    expect(lease(small)).toBeUndefined();
  });

  it('a buffer given out again starts with no lease: the count of its earlier use does not carry over', () => {
    const one = responseBuffer(8 * MiB);
    const l = lease(one)!;
    release(l);
    const two = responseBuffer(8 * MiB);
    expect(two.buffer).toBe(one.buffer);
    const l2 = lease(two)!;
    expect(l2.refs).toBe(1);
    release(l2);
    expect(responseBuffer(8 * MiB).buffer).toBe(one.buffer);
  });
});
