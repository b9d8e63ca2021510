// Lanes for keyless packed sends: at most one send in flight per partition, at most five at once, partitions in turn.
import { describe, expect, it } from 'vitest';
import { Lanes, MAX_IN_FLIGHT } from '../../../lib/kafka/lanes.js';

describe('Lanes', () => {
  it('hands out partitions in turn, never one already in flight, and waits when every lane is busy', async () => {
    const lanes = new Lanes([0, 1, 2], 1);
    expect(lanes.width).toBe(3);
    const taken = [await lanes.acquire(), await lanes.acquire(), await lanes.acquire()];
    expect(taken).toEqual([1, 2, 0]);
    let got: number | undefined;
    const waiting = lanes.acquire().then((p) => (got = p));
    await Promise.resolve();
    expect(got).toBeUndefined(); // all three in flight
    lanes.release(2);
    await waiting;
    expect(got).toBe(2); // the one just freed
    lanes.release(1);
    expect(await lanes.acquire()).toBe(1);
  });

  it('keeps at most five sends in flight, and skips partitions still in flight when their turn comes', async () => {
    const lanes = new Lanes([0, 1, 2, 3, 4, 5], 0);
    expect(lanes.width).toBe(MAX_IN_FLIGHT);
    expect(await Promise.all(Array.from({ length: 5 }, () => lanes.acquire()))).toEqual([0, 1, 2, 3, 4]);
    let sixth: number | undefined;
    const waiting = lanes.acquire().then((p) => (sixth = p));
    await Promise.resolve();
    expect(sixth).toBeUndefined();
    lanes.release(0);
    await waiting;
    expect(sixth).toBe(5); // the next in turn, not the one just freed
    lanes.release(2);
    expect(await lanes.acquire()).toBe(0); // the turn wraps to 0, free again
    lanes.release(4);
    expect(await lanes.acquire()).toBe(2); // 1 is still in flight: skipped
    // Releasing a partition not in flight hands nothing on: still five in flight, the next waits.
    lanes.release(4);
    let more: number | undefined;
    void lanes.acquire().then((p) => (more = p));
    await Promise.resolve();
    expect(more).toBeUndefined();
  });

  it('passes over partitions without a leader while another is free, and takes one when none has a leader', async () => {
    const led = new Set([0, 2]);
    const lanes = new Lanes([0, 1, 2], 0, (p) => led.has(p));
    expect(lanes.width).toBe(3);
    expect([await lanes.acquire(), await lanes.acquire()]).toEqual([0, 2]);
    expect(await lanes.acquire()).toBe(1); // the only free one: its send waits for an election
    lanes.release(0);
    lanes.release(1);
    led.clear();
    led.add(1);
    expect(await lanes.acquire()).toBe(1);
  });

  it('refuses to be made without a partition', () => {
    expect(() => new Lanes([])).toThrow(RangeError);
  });
});
