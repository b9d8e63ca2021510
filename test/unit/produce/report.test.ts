// lib/produce/report: delivery reports and the end-of-run summary, as JSON lines and for people.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { humanBytes, reportJson, reportPretty, summaryJson, summaryPretty } from '../../../lib/produce/report.js';

const plain = new Chalk({ level: 0 });

describe('delivery reports', () => {
  it.each([
    [{ topic: 'teste', partition: 0, offset: '5', key: 'transferencia', latencyMs: 3 }, '✔ teste[0]@5 key=transferencia 3 ms'],
    [{ topic: 'teste', partition: 1, offset: null, key: null, latencyMs: 1 }, '✔ teste[1]@? 1 ms'],
    [{ topic: 'teste', partition: -1, offset: null, key: 'a', latencyMs: 9, error: 'no ack' }, '✖ teste key=a: no ack'],
  ])('delivery report %#', (r, expected) => {
    expect(reportPretty(r, plain)).toBe(expected);
  });
});

describe('reportJson', () => {
  it('has topic, partition, numeric offset, key, latency; error only on failure', () => {
    expect(JSON.parse(reportJson({ topic: 't', partition: 1, offset: '42', key: null, latencyMs: 7 }))).toEqual({ topic: 't', partition: 1, offset: 42, key: null, latencyMs: 7 });
    expect(JSON.parse(reportJson({ topic: 't', partition: -1, offset: null, key: 'k', latencyMs: 7, error: 'boom' }))).toMatchObject({ offset: null, error: 'boom' });
  });
});

describe('summaries', () => {
  it.each([
    [{ acknowledged: 1000, failed: 0, bytes: 12_345, elapsedMs: 250, interrupted: false }, 'kproduce: 1000 messages (12.3 kB) acknowledged in 250 ms, 4000 msg/s'],
    [{ acknowledged: 5, failed: 2, bytes: 5, elapsedMs: 0, interrupted: true }, 'kproduce: 5 messages (5 B) acknowledged in 0 ms, 5 msg/s, 2 not acknowledged, interrupted'],
  ])('%#', (s, expected) => {
    expect(summaryPretty(s)).toBe(expected);
    expect(JSON.parse(summaryJson(s))).toMatchObject({ ...s, msgPerSec: expect.any(Number) });
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_500_000, '1.5 MB'],
    [2e12, '2.0 TB'],
    [5e15, '5000.0 TB'],
  ])('humanBytes(%d)', (n, expected) => {
    expect(humanBytes(n)).toBe(expected);
  });
});
