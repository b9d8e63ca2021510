// lib/consume/format: the JSON line contract of records, and their human forms.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { compileFormat, encodeBytes, headersJson, recordJson, recordPretty, recordRaw } from '../../../lib/consume/format.js';
import type { InRecord } from '../../../lib/kafka/index.js';

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
    // As the README says: a tab is a control character; raw, it would look like spaces (or end a key).
    ['tabs escaped, in keys, values and headers', record({ key: Buffer.from('k\tx'), value: Buffer.from('a\tb'), headers: [['h', Buffer.from('1\t2')]] }), true, 'teste[2]@5 2026-11-23T09:11:04.053Z key=k\\tx h=1\\t2 a\\tb'],
    ['every C0 control character and DEL escaped', record({ value: Buffer.from('\u0000\u0009\u000b\u001f\u007f') }), false, 'teste[2]@5 key=k \\x00\\t\\x0b\\x1f\\x7f'],
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
