// lib/format: the JSON line contract of records and delivery reports, and the human forms.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { compileFormat, encodeBytes, headersJson, humanBytes, recordJson, recordPretty, recordRaw, reportJson, reportPretty, summaryJson, summaryPretty } from '../../lib/format.js';
import type { InRecord } from '../../lib/kafka.js';

const plain = new Chalk({ level: 0 });
const record = (over: Partial<InRecord> = {}): InRecord => ({
  topic: 'teste',
  partition: 2,
  offset: '5',
  timestamp: '1795425064053',
  key: Buffer.from('k'),
  value: Buffer.from('hello'),
  headers: [['source', Buffer.from('kcat')]],
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
    const j = JSON.parse(recordJson(record({ key: Buffer.from([0x80]), value: null, headers: [['h', null]] })));
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

describe('headersJson', () => {
  it.each([
    ['none', [], { headers: {} }],
    ['unique UTF-8', [['a', Buffer.from('1')], ['b', Buffer.from('ü')]], { headers: { a: '1', b: 'ü' } }],
    ['a null value', [['a', null]], { headers: { a: null } }],
    ['a repeated name, in order', [['t', Buffer.from('x')], ['u', Buffer.from('1')], ['t', Buffer.from('y')], ['t', null]], { headers: { t: ['x', 'y', null], u: '1' } }],
    ['a header named __proto__', [['__proto__', Buffer.from('x')]], { headers: JSON.parse('{"__proto__":"x"}') }],
    ['binary: every value base64', [['a', Buffer.from('ok')], ['b', Buffer.from([0xff])]], { headers: { a: 'b2s=', b: '/w==' }, encoding: 'base64' }],
  ] as Array<[string, Array<[string, Buffer | null]>, unknown]>)('%s', (_, input, expected) => {
    expect(headersJson(input)).toEqual(expected);
  });
});

describe('recordJson headers', () => {
  it('marks binary headers with headersEncoding', () => {
    expect(JSON.parse(recordJson(record({ headers: [['h', Buffer.from([0xc3])]] })))).toMatchObject({ headers: { h: 'ww==' }, headersEncoding: 'base64' });
  });
});

describe('recordPretty', () => {
  it.each([
    ['verbose: timestamp and headers', record({ timestamp: '1700000000000', headers: [['h', Buffer.from('v')], ['n', null]] }), true, 'teste[2]@5 2023-11-14T22:13:20.000Z key=k h=v n=(null) hello'],
    ['newlines escaped: one record, one line', record({ value: Buffer.from('a\nb\r\u0001') }), false, 'teste[2]@5 key=k a\\nb\\r\\x01'],
    ['tabs kept', record({ value: Buffer.from('a\tb') }), false, 'teste[2]@5 key=k a\tb'],
    ['binary as base64', record({ value: Buffer.from([0xff, 0x00]) }), false, 'teste[2]@5 key=k base64:/wA='],
  ] as Array<[string, InRecord, boolean, string]>)('%s', (_, r, verbose, expected) => {
    expect(recordPretty(r, plain, verbose)).toBe(expected);
  });
});

describe('recordRaw', () => {
  it('is the value bytes and a newline; null is an empty line', () => {
    expect(recordRaw(record({ value: Buffer.from([0xff, 0x0a]) }))).toEqual(Buffer.from([0xff, 0x0a, 0x0a]));
    expect(recordRaw(record({ value: null }))).toEqual(Buffer.from('\n'));
  });
});

describe('compileFormat (kconsume -F)', () => {
  const r = record({ timestamp: '1700000000000', headers: [['a', Buffer.from('1')], ['b', Buffer.from('2')]] });
  it.each([
    ['%t %p %o %k %s %T\\n', 'teste 2 5 k hello 1700000000000\n'],
    ['%k=%s\\t%K/%S\\r\\n', 'k=hello\t1/5\r\n'],
    ['%h', 'a=1,b=2'],
    ['100%% %s\\\\', '100% hello\\'],
    ['no tokens', 'no tokens'],
    ['', ''],
  ])('%j', (template, expected) => {
    expect(compileFormat(template)(r).toString()).toBe(expected);
  });

  it('keeps binary values byte for byte, and shows null keys as empty with length -1', () => {
    const out = compileFormat('%k|%K|%s\\0')(record({ key: null, value: Buffer.from([0xff, 0x00]) }));
    expect(out).toEqual(Buffer.from([0x7c, 0x2d, 0x31, 0x7c, 0xff, 0x00, 0x00]));
  });

  it.each([
    ['%x', 'unknown token "%x"'],
    ['\\q', 'unknown escape "\\q"'],
    ['ends %', 'the template ends with a lone "%"'],
    ['ends \\', 'the template ends with a lone "\\"'],
  ])('rejects %j', (template, message) => {
    expect(() => compileFormat(template)).toThrow(message);
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
