import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collect, intInRange, parseBrokerList, parseHeader, parseHeap, parseOffset, parsePattern, parsePort, parseSince, parseTimeoutMs } from '../../../lib/cli/options.js';

describe('intInRange(1, 10)', () => {
  const parse = intInRange(1, 10);

  it.each([
    { value: '1', n: 1 },
    { value: '10', n: 10 },
    { value: '7', n: 7 },
    { value: '007', n: 7 },
    { value: ' 5 ', n: 5 },
  ])('parses $value as $n', ({ value, n }) => {
    expect(parse(value)).toBe(n);
  });

  it.each(['0', '11', '100', '', ' ', 'abc', '-1', '+1', '1.5', '1e1', '0x5', '5x', '1 0'])('rejects %j', (value) => {
    expect(() => parse(value)).toThrow(InvalidArgumentError);
  });

  it.each([
    { value: 'abc', message: 'expected a whole number from 1 to 10, got "abc".' },
    { value: '11', message: 'expected a whole number from 1 to 10, got 11.' },
  ])('says what it expected for $value', ({ value, message }) => {
    expect(() => parse(value)).toThrow(message);
  });
});

describe('parseTimeoutMs', () => {
  it.each([
    { value: '1', n: 1 },
    { value: '30000', n: 30_000 },
    { value: '3600000', n: 3_600_000 },
  ])('parses $value as $n ms', ({ value, n }) => {
    expect(parseTimeoutMs(value)).toBe(n);
  });

  it.each(['0', '3600001', '-5', '10s', '1.5', ''])('rejects %j', (value) => {
    expect(() => parseTimeoutMs(value)).toThrow(InvalidArgumentError);
  });
});

describe('parsePort', () => {
  it.each([
    { value: '1', n: 1 },
    { value: '9092', n: 9092 },
    { value: '65535', n: 65_535 },
  ])('parses $value as $n', ({ value, n }) => {
    expect(parsePort(value)).toBe(n);
  });

  it.each(['0', '65536', '99999', '-1', '9092.0', 'http', ''])('rejects %j', (value) => {
    expect(() => parsePort(value)).toThrow(InvalidArgumentError);
  });
});

describe('parseHeap', () => {
  it.each([
    { value: '512m', heap: '512m' },
    { value: '384M', heap: '384m' },
    { value: '1g', heap: '1g' },
    { value: '2G', heap: '2g' },
  ])('parses $value as $heap', ({ value, heap }) => {
    expect(parseHeap(value)).toBe(heap);
  });

  it.each(['512', 'm', 'g', '512k', '1gb', '1.5g', '-1g', ' 512m', '512m ', '512 m', ''])('rejects %j', (value) => {
    expect(() => parseHeap(value)).toThrow(InvalidArgumentError);
  });
});

describe('parseBrokerList', () => {
  it.each([
    { value: 'localhost:9092', list: ['localhost:9092'] },
    { value: '127.0.0.1:9092', list: ['127.0.0.1:9092'] },
    { value: 'a:9092,b:9093', list: ['a:9092', 'b:9093'] },
    { value: ' a:9092 , b:9093 ', list: ['a:9092', 'b:9093'] },
    { value: 'a:9092,,b:9093,', list: ['a:9092', 'b:9093'] },
    { value: '[::1]:9092', list: ['[::1]:9092'] },
    { value: 'kafka-1.example.com:19092,[fe80::1]:9092', list: ['kafka-1.example.com:19092', '[fe80::1]:9092'] },
  ])('parses $value', ({ value, list }) => {
    expect(parseBrokerList(value)).toEqual(list);
  });

  it.each(['', ' ', ',', ',,', 'localhost', 'localhost:', ':9092', 'host:port', 'a b:9092', 'a:9092,b', '::1:9092', '[::1]', '[::1]:', 'a:123456'])(
    'rejects %j',
    (value) => {
      expect(() => parseBrokerList(value)).toThrow(InvalidArgumentError);
    },
  );

  it('names the bad entry', () => {
    expect(() => parseBrokerList('a:9092,oops,b:9093')).toThrow('got "oops"');
  });
});

describe('edge cases found in review', () => {
  it.each(['localhost:0', 'localhost:99999', '[::1]:70000', 'a:1,b:65536'])('parseBrokerList rejects the out-of-range port in %s', (value) => {
    expect(() => parseBrokerList(value)).toThrow(InvalidArgumentError);
  });

  it.each(['localhost:1', 'b:65535', '[::1]:9092'])('parseBrokerList accepts %s', (value) => {
    expect(parseBrokerList(value)).toEqual([value]);
  });

  it.each(['0m', '0g', '64m', '127m'])('parseHeap rejects %s, below the 128m floor', (value) => {
    expect(() => parseHeap(value)).toThrow(/at least 128m/);
  });

  it.each([['128m', '128m'], ['1G', '1g']])('parseHeap accepts %s', (value, expected) => {
    expect(parseHeap(value)).toBe(expected);
  });
});

describe('parseOffset (kconsume -o)', () => {
  it.each([
    ['beginning', { from: 'beginning' }],
    ['earliest', { from: 'beginning' }],
    ['END', { from: 'end' }],
    ['latest', { from: 'end' }],
    ['stored', { from: 'stored' }],
    ['0', { from: 'offset', offset: 0n }],
    ['42', { from: 'offset', offset: 42n }],
    ['9223372036854775807', { from: 'offset', offset: 9223372036854775807n }],
    ['-10', { from: 'fromEnd', count: 10n }],
  ])('%s', (value, expected) => {
    expect(parseOffset(value)).toEqual(expected);
  });

  it.each(['', 'start', '-0', '1.5', '+3', '--1', '12345678901234567890', 'beginning '.repeat(2)])('rejects %j, naming the accepted forms', (value) => {
    expect(() => parseOffset(value)).toThrow(/expected beginning, end, stored, an offset N or -N/);
  });
});

describe('parseSince (kconsume --since)', () => {
  const now = () => Date.UTC(2026, 10, 23, 12, 0, 0);
  it.each([
    ['90s', now() - 90_000],
    ['15m', now() - 15 * 60_000],
    ['1h', now() - 3_600_000],
    ['7d', now() - 7 * 86_400_000],
    ['2w', now() - 14 * 86_400_000],
    ['7D', now() - 7 * 86_400_000],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['2026-11-01T09:30Z', Date.UTC(2026, 10, 1, 9, 30)],
    ['2026-11-01T09:30:15.250Z', Date.UTC(2026, 10, 1, 9, 30, 15, 250)],
    ['2026-11-01T09:30+01:00', Date.UTC(2026, 10, 1, 8, 30)],
    ['2026-11-01 09:30Z', Date.UTC(2026, 10, 1, 9, 30)],
  ])('%s', (value, expected) => {
    expect(parseSince(value, now)).toBe(expected);
  });

  it.each(['', 'yesterday', '7', '1y', '-1h', '2026-13-01', '2026-11-01T25:00Z', '11/01/2026', 'last week'])('rejects %j', (value) => {
    expect(() => parseSince(value, now)).toThrow(InvalidArgumentError);
  });
});

describe('parsePattern (kconsume --pattern)', () => {
  it('matches whole topic names only', () => {
    const re = parsePattern('orders-.*');
    expect(['orders-eu', 'orders-'].map((t) => re.test(t))).toEqual([true, true]);
    expect(['my-orders-eu', 'orders'].map((t) => re.test(t))).toEqual([false, false]);
    expect(parsePattern('a|b').test('ab')).toBe(false);
  });

  it('rejects an invalid expression with the reason', () => {
    expect(() => parsePattern('orders-(')).toThrow(/not a valid regular expression/);
  });
});

describe('parseHeader (kproduce -H) and collect', () => {
  it.each([
    ['source=cli', ['source', 'cli']],
    ['a=b=c', ['a', 'b=c']],
    ['empty=', ['empty', '']],
  ])('%s', (value, expected) => {
    expect(parseHeader(value)).toEqual(expected);
  });

  it.each(['novalue', '=v', ''])('rejects %j', (value) => {
    expect(() => parseHeader(value)).toThrow('expected name=value');
  });

  it('collect appends each occurrence in order', () => {
    const add = collect(parseHeader);
    expect(add('b=2', add('a=1', undefined))).toEqual([['a', '1'], ['b', '2']]);
  });
});
