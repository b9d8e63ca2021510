// The producer's retry budget: long enough for a failover, short enough to fail within the delivery timeout.
import { describe, expect, it } from 'vitest';
import { retryBudget } from '../../../lib/kafka/producer.js';

describe('retryBudget', () => {
  it.each([5_000, 10_000, 30_000, 120_000])('keeps the backoffs of a %i ms budget, jitter included, within 70%% of it', (budget) => {
    const { retries, initialRetryTime, maxRetryTime } = retryBudget(budget);
    let total = 0;
    for (let i = 0, wait = initialRetryTime; i < retries; i++, wait *= 2) total += Math.min(wait, maxRetryTime);
    expect(retries).toBeGreaterThan(3);
    expect(total * 1.2).toBeLessThanOrEqual(budget * 0.7);
    // One more retry would break the bound: the budget is used, not left idle.
    expect((total + Math.min(initialRetryTime * 2 ** retries, maxRetryTime)) * 1.2).toBeGreaterThan(budget * 0.7);
  });

  it('rides out a leader failover (~9 s of fencing) with the default 30 s delivery timeout', () => {
    const { retries, initialRetryTime, maxRetryTime } = retryBudget(30_000);
    let total = 0;
    for (let i = 0, wait = initialRetryTime; i < retries; i++, wait *= 2) total += Math.min(wait, maxRetryTime);
    expect(total * 0.8).toBeGreaterThan(9_000);
  });
});
