// lib/format: the JSON line contract of records and delivery reports, and the human forms.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { encodeBytes, recordJson, recordPretty, reportJson, reportPretty } from '../../lib/format.js';
import type { InRecord } from '../../lib/kafka.js';

const plain = new Chalk({ level: 0 });
const record = (over: Partial<InRecord> = {}): InRecord => ({
  topic: 'teste',
  partition: 2,
  offset: '5',
  timestamp: '1795425064053',
  key: Buffer.from('k'),
  value: Buffer.from('hello'),
  headers: { source: Buffer.from('kcat') },
  ...over,
});

describe('encodeBytes', () => {
  it.each([
    ['UTF-8 text', Buffer.from('olá ✔'), { text: 'olá ✔' }],
    ['empty', Buffer.alloc(0), { text: '' }],
    ['null', null, { text: null }],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x00]), { text: '//4A', encoding: 'base64' }],
  ])('%s', (_, input, expected) => {
    expect(encodeBytes(input)).toEqual(expected);
  });
});

describe('recordJson', () => {
  it('prints the documented shape with numbers for offset and timestamp', () => {
    expect(JSON.parse(recordJson(record()))).toEqual({
      topic: 'teste',
      partition: 2,
      offset: 5,
      timestamp: 1795425064053,
      key: 'k',
      value: 'hello',
      headers: { source: 'kcat' },
    });
  });

  it('marks binary keys and values as base64, and keeps nulls', () => {
    const j = JSON.parse(recordJson(record({ key: Buffer.from([0x80]), value: null, headers: { h: null } })));
    expect(j).toMatchObject({ key: 'gA==', keyEncoding: 'base64', value: null, headers: { h: null } });
    expect(j).not.toHaveProperty('valueEncoding');
  });
});

describe('human forms', () => {
  it.each([
    [record(), 'teste[2]@5 key=k hello'],
    [record({ key: null }), 'teste[2]@5 hello'],
    [record({ key: null, value: null }), 'teste[2]@5 (null)'],
  ])('record %#', (r, expected) => {
    expect(recordPretty(r, plain)).toBe(expected);
  });

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
