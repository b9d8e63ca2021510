// lib/input: delimiter flags, records split from byte streams, key separators and --json-input lines.
import { PassThrough, Readable } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { recordJson } from '../../../lib/consume/format.js';
import { parseDelimiter, parseJsonRecord, readLines, splitKey, splitRecords, type InputRecord } from '../../../lib/produce/input.js';
import type { InRecord } from '../../../lib/kafka/index.js';

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const x of source) all.push(x);
  return all;
}

/** Records of `chunks` split at `delimiter`, as UTF-8 text. */
async function split(chunks: Array<string | Buffer>, delimiter = '\n', maxRecordBytes?: number): Promise<string[]> {
  const records = await collect(splitRecords(Readable.from(chunks.map((c) => (typeof c === 'string' ? b(c) : c))), b(delimiter), { maxRecordBytes }));
  return records.map((r) => r.toString('utf8'));
}

/** `input` cut at the given offsets. */
function cut(input: Buffer, offsets: number[]): Buffer[] {
  const points = [0, ...offsets, input.length];
  return points.slice(1).map((end, i) => input.subarray(points[i], end));
}

/** The obvious whole-buffer split that splitRecords must agree with, whatever the chunking. */
function reference(input: Buffer, delimiter: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  for (let at = input.indexOf(delimiter); at !== -1; at = input.indexOf(delimiter, start)) {
    records.push(input.subarray(start, at));
    start = at + delimiter.length;
  }
  const crlf = delimiter.equals(b('\n'));
  const delimited = records.map((r) => (crlf && r.at(-1) === 0x0d ? r.subarray(0, -1) : r));
  return start < input.length ? [...delimited, input.subarray(start)] : delimited;
}

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

async function failure(source: AsyncIterable<unknown>): Promise<{ error: unknown; before: number }> {
  let before = 0;
  try {
    for await (const _ of source) before++;
  } catch (error) {
    return { error, before };
  }
  throw new Error('expected the stream to fail');
}

describe('parseDelimiter', () => {
  it.each([
    ['\\n', [0x0a]],
    ['\\r\\n', [0x0d, 0x0a]],
    ['\\t', [0x09]],
    ['\\0', [0x00]],
    ['\\\\', [0x5c]],
    ['\\x1e', [0x1e]],
    ['\\xfF', [0xff]],
    ['\\x00\\xAB', [0x00, 0xab]],
    [';', [0x3b]],
    ['::', [0x3a, 0x3a]],
    ['ab\\x41c', [0x61, 0x62, 0x41, 0x63]],
    ['\n', [0x0a]], // a real newline, as typed with $'\n'
    ['é', [0xc3, 0xa9]],
    ['\\n--\\n', [0x0a, 0x2d, 0x2d, 0x0a]],
  ])('%j -> %j', (text, bytes) => {
    expect(parseDelimiter(text)).toEqual(Buffer.from(bytes));
  });

  it.each([
    ['', /empty/],
    ['\\', /lone backslash/],
    ['ab\\', /lone backslash/],
    ['\\q', /unknown escape "\\q"/],
    ['\\N', /unknown escape "\\N"/],
    ['\\x', /two hex digits/],
    ['\\x1', /two hex digits, got "\\x1"/],
    ['\\xg0', /two hex digits, got "\\xg0"/],
    ['\\x 1', /two hex digits/],
  ])('%j is rejected', (text, message) => {
    let error: unknown;
    try {
      parseDelimiter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('splitRecords', () => {
  it.each([
    ['empty input', [], '\n', []],
    ['only empty chunks', ['', ''], '\n', []],
    ['just a delimiter', ['\n'], '\n', ['']],
    ['just a multi-byte delimiter', ['<|>'], '<|>', ['']],
    ['two delimiters', ['\n\n'], '\n', ['', '']],
    ['no trailing delimiter', ['a\nb'], '\n', ['a', 'b']],
    ['trailing delimiter', ['a\nb\n'], '\n', ['a', 'b']],
    ['empty records in between', ['a\n\n\nb\n'], '\n', ['a', '', '', 'b']],
    ['leading delimiter', ['\na'], '\n', ['', 'a']],
    ['one record, no delimiter', ['hello'], '\n', ['hello']],
    ['CRLF', ['a\r\nb\r\n'], '\n', ['a', 'b']],
    ['CRLF split between CR and LF', ['a\r', '\nb\r', '\n'], '\n', ['a', 'b']],
    ['only the CR right before LF goes', ['a\r\r\n'], '\n', ['a\r']],
    ['a lone CR is data', ['a\rb\n'], '\n', ['a\rb']],
    ['a final CR without LF is kept', ['a\r'], '\n', ['a\r']],
    ['just CRLF', ['\r\n'], '\n', ['']],
    ['CR kept with another delimiter', ['a\r;b\r'], ';', ['a\r', 'b\r']],
    ['explicit \\r\\n delimiter', ['a\r\nb\nc\r\n'], '\r\n', ['a', 'b\nc']],
    ['multi-byte delimiter', ['one<|>two<|><|>three'], '<|>', ['one', 'two', '', 'three']],
    ['partial delimiter at the end is data', ['a<|>b<|'], '<|>', ['a', 'b<|']],
    ['overlapping delimiter "aa"', ['xaaay'], 'aa', ['x', 'ay']],
    ['delimiter in 1-byte chunks', ['x', 'a', 'a', 'a', 'y'], 'aa', ['x', 'ay']],
    ['self-overlapping "aba"', ['1ab', 'aba2'], 'aba', ['1', 'ba2']],
    ['record spread over many chunks', ['ab', 'cd', 'ef', '\ngh', 'ij'], '\n', ['abcdef', 'ghij']],
  ])('%s', async (_, chunks, delimiter, expected) => {
    expect(await split(chunks, delimiter)).toEqual(expected);
  });

  it('finds a multi-byte delimiter at every split point, in two and in three chunks', async () => {
    const input = b('one<|>two<|><|>three<|>');
    const expected = ['one', 'two', '', 'three'];
    for (let i = 0; i <= input.length; i++) {
      expect(await split(cut(input, [i]), '<|>'), `cut at ${i}`).toEqual(expected);
      for (let j = i; j <= input.length; j++) expect(await split(cut(input, [i, j]), '<|>'), `cut at ${i}, ${j}`).toEqual(expected);
    }
  });

  it('handles CRLF at every split point', async () => {
    const input = b('a\r\n\r\nbc\r\nd');
    for (let i = 0; i <= input.length; i++) expect(await split(cut(input, [i]), '\n'), `cut at ${i}`).toEqual(['a', '', 'bc', 'd']);
  });

  it('agrees with a whole-buffer split for random bytes, delimiters and chunkings', async () => {
    const random = prng(42);
    const alphabet = [0x61, 0x62, 0x0d, 0x0a, 0x00, 0xff];
    const delimiters = ['\n', 'ab', 'aa', 'aba', '\r\n', '\x00\xff\x00', 'abba'].map((d) => Buffer.from(d, 'latin1'));
    for (let round = 0; round < 400; round++) {
      const input = Buffer.from(Array.from({ length: Math.floor(random(60)) }, () => alphabet[Math.floor(random(alphabet.length))]!));
      const delimiter = delimiters[round % delimiters.length]!;
      const offsets = Array.from({ length: Math.floor(random(8)) }, () => Math.floor(random(input.length + 1))).sort((x, y) => x - y);
      const records = await collect(splitRecords(Readable.from(cut(input, offsets)), delimiter));
      expect(records, `round ${round}: ${input.toString('hex')} / ${delimiter.toString('hex')} cut at ${offsets}`).toEqual(reference(input, delimiter));
    }
  });

  it('keeps binary bytes exactly, NUL and invalid UTF-8 included', async () => {
    const records = [b([0x00, 0xff, 0xfe]), b([0xc3]), b([]), b([0x80, 0x00, 0x0d]), b('olá')];
    const input = Buffer.concat(records.flatMap((r) => [r, b([0x1e])]));
    for (let i = 0; i <= input.length; i++) {
      expect(await collect(splitRecords(Readable.from(cut(input, [i])), b([0x1e]))), `cut at ${i}`).toEqual(records);
    }
    expect(await collect(splitRecords(Readable.from([b([0x61, 0x00, 0x00, 0x62, 0x00])]), b([0x00, 0x00])))).toEqual([b('a'), b([0x62, 0x00])]);
  });

  it('accepts string and Uint8Array chunks', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.end('olá\nmundo');
    expect((await collect(splitRecords(stream, b('\n')))).map(String)).toEqual(['olá', 'mundo']);
    const bytes = Readable.from([new Uint8Array([0x61, 0x0a, 0x62])]);
    expect(await collect(splitRecords(bytes, b('\n')))).toEqual([b('a'), b('b')]);
  });

  it('yields records that stay valid after later chunks arrive', async () => {
    const stream = new PassThrough();
    const records = splitRecords(stream, b('\n'));
    stream.write('first\nsec');
    const first = await records.next();
    stream.write('ond\nthird\n');
    stream.end();
    const rest = await collect({ [Symbol.asyncIterator]: () => records });
    expect([first.value, ...rest].map(String)).toEqual(['first', 'second', 'third']);
  });

  it('passes on a stream error', async () => {
    const stream = new PassThrough();
    stream.write('a\n');
    setImmediate(() => stream.destroy(new Error('disk on fire')));
    const { error, before } = await failure(splitRecords(stream, b('\n')));
    expect(before).toBe(1);
    expect(error).toMatchObject({ message: 'disk on fire' });
  });

  it('stops reading when the consumer stops', async () => {
    const stream = Readable.from([b('a\nb\nc\n')]);
    for await (const _ of splitRecords(stream, b('\n'))) break;
    expect(stream.destroyed).toBe(true);
  });

  it('rejects an empty delimiter (a programming error; parseDelimiter never returns one)', async () => {
    await expect(collect(splitRecords(Readable.from([b('a')]), b('')))).rejects.toThrow(TypeError);
  });

  describe('record size limit', () => {
    it.each([
      ['exactly the limit', ['12345\n'], '\n', ['12345']],
      ['exactly the limit with CRLF, CR in an earlier chunk', ['12345\r', '\n'], '\n', ['12345']],
      ['exactly the limit before a split multi-byte delimiter', ['12345<|', '>'], '<|>', ['12345']],
      ['exactly the limit, then a final record', ['12345\n', '123', '45'], '\n', ['12345', '12345']],
    ])('accepts %s', async (_, chunks, delimiter, expected) => {
      expect(await split(chunks, delimiter, 5)).toEqual(expected);
    });

    it.each([
      ['a record over the limit', ['ok\n123456\n'], '\n', 1],
      ['a final record over the limit', ['ok\nok\n123456'], '\n', 2],
      ['a record crossing the limit across chunks', ['ok\n12', '34', '5', '6\n'], '\n', 1],
      ['one byte over with CRLF', ['123456\r\n'], '\n', 0],
      ['one byte over before a split multi-byte delimiter', ['123456<|', '>'], '<|>', 0],
    ])('rejects %s, naming the record and the limit', async (_, chunks, delimiter, before) => {
      const stream = Readable.from(chunks.map((c) => b(c)));
      const result = await failure(splitRecords(stream, b(delimiter), { maxRecordBytes: 5 }));
      expect(result.before).toBe(before);
      expect(result.error).toBeInstanceOf(KtoolError);
      expect(result.error).toMatchObject({ code: 'RECORD_TOO_LARGE', exitCode: 2, message: expect.stringContaining(`record ${before + 1} `) });
      expect((result.error as KtoolError).message).toContain('5 bytes limit');
      expect((result.error as KtoolError).hint).toContain('-D');
    });

    it('fails as soon as the limit is crossed, without waiting for the end of the stream', async () => {
      const stream = new PassThrough(); // never ended: buffering until the end would hang
      stream.write('ok\n1234');
      stream.write('5678');
      const records = splitRecords(stream, b('\n'), { maxRecordBytes: 5 });
      expect(String((await records.next()).value)).toBe('ok');
      await expect(records.next()).rejects.toMatchObject({ code: 'RECORD_TOO_LARGE', message: expect.stringContaining('record 2 ') });
    });

    it('names the limit in MiB and shows the delimiter', async () => {
      const big = Buffer.alloc(1024 * 1024 + 1, 0x61);
      const { error } = await failure(splitRecords(Readable.from([big]), b('\x1e'), { maxRecordBytes: 1024 * 1024 }));
      expect((error as Error).message).toBe('record 1 is larger than the 1 MiB limit (records end at "\\x1e")');
    });
  });

  describe('long streams (linear: no per-record copies of the whole buffer)', () => {
    it('splits 200,000 records fed in 7-byte chunks', async () => {
      const input = b(Array.from({ length: 200_000 }, (_, i) => `r${i}`).join('\n'));
      const chunks = Array.from({ length: Math.ceil(input.length / 7) }, (_, i) => input.subarray(i * 7, i * 7 + 7));
      let count = 0;
      let last = '';
      for await (const r of splitRecords(Readable.from(chunks), b('\n'))) {
        count++;
        last = r.toString();
      }
      expect(count).toBe(200_000);
      expect(last).toBe('r199999');
    });

    it('splits 200,000 CRLF-delimited records at a two-byte delimiter fed in 5-byte chunks', async () => {
      const input = b(`${Array.from({ length: 200_000 }, (_, i) => `${i}`).join('\r\n')}\r\n`);
      const chunks = Array.from({ length: Math.ceil(input.length / 5) }, (_, i) => input.subarray(i * 5, i * 5 + 5));
      let count = 0;
      for await (const r of splitRecords(Readable.from(chunks), b('\r\n'))) if (r.toString() === String(count)) count++;
      expect(count).toBe(200_000);
    });

    it('joins one 4 MiB record spread over 65,536 chunks', async () => {
      const chunk = Buffer.alloc(64, 0x62);
      const chunks = [...Array.from({ length: 65_536 }, () => chunk), b('\nend')];
      const records = await collect(splitRecords(Readable.from(chunks), b('\n')));
      expect(records.map((r) => r.length)).toEqual([4 * 1024 * 1024, 3]);
    });
  });
});

describe('readLines', () => {
  it.each([
    ['empty', [], []],
    ['LF and CRLF', ['a\r\nb\nc'], ['a', 'b', 'c']],
    ['a character split across chunks', [b('ol'), b([0xc3]), b([0xa1, 0x0a])], ['olá']],
    ['an empty line', ['\n'], ['']],
  ])('%s', async (_, chunks, expected) => {
    expect(await collect(readLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? b(c) : c)))))).toEqual(expected);
  });
});

describe('splitKey', () => {
  it.each([
    ['k:v', ':', 'k', 'v'],
    ['no separator', ':', null, 'no separator'],
    [':v', ':', '', 'v'],
    ['k:', ':', 'k', ''],
    [':', ':', '', ''],
    ['', ':', null, ''],
    ['a:b:c', ':', 'a', 'b:c'],
    ['a::b:c', '::', 'a', 'b:c'],
    ['a:b', '::', null, 'a:b'],
    ['chave\tvalor', '\t', 'chave', 'valor'],
  ])('%j at %j', (record, separator, key, value) => {
    expect(splitKey(b(record), b(separator))).toEqual({ key: key === null ? null : b(key), value: b(value) });
  });

  it('splits binary records at a binary separator', () => {
    expect(splitKey(b([0xff, 0x00, 0x00, 0x01]), b([0x00]))).toEqual({ key: b([0xff]), value: b([0x00, 0x01]) });
  });
});

describe('parseJsonRecord', () => {
  const none = { key: null, value: null };
  it.each<[string, string, InputRecord]>([
    ['empty object', '{}', none],
    ['value only', '{"value":"hello"}', { key: null, value: b('hello') }],
    ['key and value', '{"key":"k","value":"v"}', { key: b('k'), value: b('v') }],
    ['nulls', '{"key":null,"value":null,"headers":null,"partition":null,"timestamp":null}', none],
    ['empty strings', '{"key":"","value":""}', { key: b(''), value: b('') }],
    ['UTF-8 text and JSON escapes', '{"value":"olá ✔ \\u0000\\n"}', { key: null, value: b('olá ✔ \u0000\n') }],
    ['explicit utf8 encodings', '{"key":"k","keyEncoding":"utf8","value":"v","valueEncoding":"utf8","headersEncoding":null}', { key: b('k'), value: b('v') }],
    ['base64 key and value', '{"key":"gA==","keyEncoding":"base64","value":"AP8=","valueEncoding":"base64"}', { key: b([0x80]), value: b([0x00, 0xff]) }],
    ['base64 without padding need', '{"value":"YWJj","valueEncoding":"base64"}', { key: null, value: b('abc') }],
    ['empty base64', '{"value":"","valueEncoding":"base64"}', { key: null, value: b('') }],
    ['base64 null value', '{"value":null,"valueEncoding":"base64"}', none],
    ['an object value is sent as JSON', '{"value":{"a":1,"b":[true,null]}}', { key: null, value: b('{"a":1,"b":[true,null]}') }],
    ['an array value', '{"value":[1,"2"]}', { key: null, value: b('[1,"2"]') }],
    ['a number value', '{"value":42.5}', { key: null, value: b('42.5') }],
    ['zero', '{"value":0}', { key: null, value: b('0') }],
    ['false', '{"value":false}', { key: null, value: b('false') }],
    ['headers', '{"headers":{"a":"1","b":null}}', { ...none, headers: [['a', b('1')], ['b', null]] }],
    [
      'repeated headers keep their order',
      '{"headers":{"a":["1",null,"2"],"b":"x"}}',
      { ...none, headers: [['a', b('1')], ['a', null], ['a', b('2')], ['b', b('x')]] },
    ],
    ['base64 headers', '{"headers":{"h":"AP8=","r":["YQ==",null]},"headersEncoding":"base64"}', { ...none, headers: [['h', b([0x00, 0xff])], ['r', b('a')], ['r', null]] }],
    ['no headers', '{"headers":{}}', none],
    ['a name with no values', '{"headers":{"a":[]}}', none],
    ['partition', '{"partition":3}', { ...none, partition: 3 }],
    ['partition 0', '{"partition":0}', { ...none, partition: 0 }],
    ['timestamp as a number', '{"timestamp":1795425064053}', { ...none, timestamp: '1795425064053' }],
    ['timestamp as a string', '{"timestamp":"1795425064053"}', { ...none, timestamp: '1795425064053' }],
    ['timestamp 0', '{"timestamp":0}', { ...none, timestamp: '0' }],
    ['timestamp with leading zeros', '{"timestamp":"007"}', { ...none, timestamp: '7' }],
    ['timestamp in exponent form', '{"timestamp":1.7e12}', { ...none, timestamp: '1700000000000' }],
    ['topic and offset are ignored', '{"topic":"t","offset":5,"value":"v"}', { key: null, value: b('v') }],
    ['whitespace around', '  {"value":"v"}\t', { key: null, value: b('v') }],
    ['a byte order mark', '\uFEFF{"value":"v"}', { key: null, value: b('v') }],
    [
      'a kconsume --json line',
      '{"topic":"teste","partition":2,"offset":5,"timestamp":1795425064053,"key":"k","value":"hello","headers":{"source":"kcat"}}',
      { key: b('k'), value: b('hello'), headers: [['source', b('kcat')]], partition: 2, timestamp: '1795425064053' },
    ],
  ])('%s', (_, line, expected) => {
    expect(parseJsonRecord(line, 1)).toStrictEqual(expected);
    expect(parseJsonRecord(b(line), 1)).toStrictEqual(expected);
  });

  it.each([
    ['an empty line', '', /not valid JSON/],
    ['plain text', 'hello', /not valid JSON/],
    ['a truncated object', '{"value":"v"', /not valid JSON/],
    ['two objects', '{}{}', /not valid JSON/],
    ['an array', '[1,2]', /expected a JSON object, got an array/],
    ['a number', '42', /expected a JSON object, got 42/],
    ['null', 'null', /expected a JSON object, got null/],
    ['a string', '"{}"', /expected a JSON object, got "{}"/],
    ['a number key', '{"key":42}', /"key" must be a string or null, got 42/],
    ['an object key', '{"key":{"a":1}}', /"key" must be a string or null, got an object/],
    ['an array key', '{"key":["a"]}', /"key" must be a string or null, got an array/],
    ['a boolean key', '{"key":true}', /"key" must be a string or null, got true/],
    ['an unknown keyEncoding', '{"key":"00","keyEncoding":"hex"}', /"keyEncoding" must be "utf8" or "base64", got "hex"/],
    ['encodings are case-sensitive', '{"value":"x","valueEncoding":"BASE64"}', /"valueEncoding" must be "utf8" or "base64", got "BASE64"/],
    ['a number encoding', '{"valueEncoding":1}', /"valueEncoding" must be/],
    ['an unknown headersEncoding', '{"headersEncoding":"latin1"}', /"headersEncoding" must be/],
    ['bad base64 key', '{"key":"not base64!","keyEncoding":"base64"}', /"key" is not valid base64 \(keyEncoding is "base64"\)/],
    ['base64 of a bad length', '{"value":"abc","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['unpadded base64', '{"value":"YQ","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['padding inside base64', '{"value":"ab=c","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['too much padding', '{"value":"a===","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['a space in base64', '{"value":"Y Q==","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['base64url', '{"value":"-_8A","valueEncoding":"base64"}', /"value" is not valid base64/],
    ['an object value with valueEncoding base64', '{"value":{"a":1},"valueEncoding":"base64"}', /"value" must be a base64 string/],
    ['headers as an array', '{"headers":[["a","1"]]}', /"headers" must be an object of name: value, got an array/],
    ['headers as a string', '{"headers":"a=1"}', /"headers" must be an object/],
    ['a number header', '{"headers":{"a":1}}', /headers\["a"\] must be a string or null, got 1/],
    ['an object header', '{"headers":{"a":{"b":"c"}}}', /headers\["a"\] must be a string, null or an array of them, got an object/],
    ['a number in a repeated header', '{"headers":{"a":["1",2]}}', /headers\["a"\]\[1\] must be a string or null, got 2/],
    ['a nested array header', '{"headers":{"a":[["x"]]}}', /headers\["a"\]\[0\] must be a string or null, got an array/],
    ['bad base64 header', '{"headers":{"h":"%%%%"},"headersEncoding":"base64"}', /headers\["h"\] is not valid base64 \(headersEncoding is "base64"\)/],
    ['a negative partition', '{"partition":-1}', /"partition" must be a whole number from 0 to 2147483647, got -1/],
    ['a fractional partition', '{"partition":1.5}', /"partition" must be .*, got 1.5/],
    ['a string partition', '{"partition":"3"}', /"partition" must be .*, got "3"/],
    ['a partition beyond int32', '{"partition":2147483648}', /"partition" must be/],
    ['a boolean partition', '{"partition":true}', /"partition" must be/],
    ['a negative timestamp', '{"timestamp":-1}', /"timestamp" must be epoch milliseconds .*, got -1/],
    ['a fractional timestamp', '{"timestamp":1.5}', /"timestamp" must be/],
    ['a huge timestamp', '{"timestamp":1e300}', /"timestamp" must be/],
    ['a negative timestamp string', '{"timestamp":"-1"}', /"timestamp" must be/],
    ['a fractional timestamp string', '{"timestamp":"1.5"}', /"timestamp" must be/],
    ['an empty timestamp string', '{"timestamp":""}', /"timestamp" must be/],
    ['a date string', '{"timestamp":"2026-01-01T00:00:00Z"}', /"timestamp" must be .*, got "2026-01-01T00:00:00Z"/],
    ['a timestamp beyond int64', '{"timestamp":"9223372036854775808"}', /"timestamp" must be/],
    ['a boolean timestamp', '{"timestamp":true}', /"timestamp" must be/],
    // A typo must not send a null value (a tombstone deletes the key on a compacted topic).
    ['a misspelt field', '{"valu":"x"}', /unknown field "valu" \(known: topic, partition, offset, timestamp, key, keyEncoding, keySchema, value, valueEncoding, valueSchema, headers, headersEncoding\)$/],
    ['an unknown field beside known ones', '{"key":"k","value":"v","extra":{"x":1}}', /unknown field "extra"/],
    ['a field named __proto__', '{"__proto__":{"value":"x"}}', /unknown field "__proto__"/],
  ])('rejects %s', (_, line, message) => {
    let error: unknown;
    try {
      parseJsonRecord(line, 7);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KtoolError);
    expect(error).toMatchObject({
      code: 'BAD_JSON_INPUT',
      exitCode: 1,
      hint: 'one JSON object per line, as kconsume --json prints: {"key":..., "value":..., "headers":{...}}',
    });
    expect((error as Error).message).toMatch(/^line 7: /);
    expect((error as Error).message).toMatch(message);
  });

  it('shortens long values in messages', () => {
    expect(() => parseJsonRecord(JSON.stringify({ key: 'x'.repeat(1001), keyEncoding: 'base64' }), 1)).toThrow(/got "x{40}…"$/);
  });

  it('keeps the JSON parser message, and the parser error as the cause', () => {
    let error: unknown;
    try {
      parseJsonRecord('{oops}', 3);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/^line 3: not valid JSON \(.+\)$/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });
});

describe('kconsume --json | kproduce --json-input', () => {
  const consumed = (over: Partial<InRecord> = {}): InRecord => ({
    topic: 'teste',
    partition: 2,
    offset: '5',
    timestamp: '1795425064053',
    key: b('k'),
    value: b('hello'),
    headers: [],
    ...over,
  });
  /** What producing the parsed line should send: the consumed record minus topic and offset. */
  const expected = (r: InRecord): InputRecord => ({
    key: r.key,
    value: r.value,
    ...(r.headers.length > 0 ? { headers: r.headers } : {}),
    partition: r.partition,
    timestamp: r.timestamp,
  });

  it.each<[string, InRecord]>([
    ['unique UTF-8 headers and a base64 value', consumed({ value: b([0x00, 0xff, 0xc3]), headers: [['source', b('kcat')], ['trace', b('olá')]] })],
    ['text', consumed()],
    ['null key and value', consumed({ key: null, value: null })],
    ['empty key and value', consumed({ key: b(''), value: b('') })],
    ['binary key', consumed({ key: b([0x80, 0x00]) })],
    ['a null header', consumed({ headers: [['h', null]] })],
    ['a repeated header', consumed({ headers: [['a', b('1')], ['a', null], ['a', b('2')]] })],
    ['binary headers', consumed({ headers: [['bin', b([0xff, 0x00])], ['txt', b('plain')], ['txt', b('again')]] })],
    ['a value that looks like JSON stays a string', consumed({ value: b('{"a":1}') })],
    ['partition 0, timestamp 0', consumed({ partition: 0, timestamp: '0' })],
  ])('round-trips %s', (_, r) => {
    expect(parseJsonRecord(recordJson(r), 1)).toStrictEqual(expected(r));
  });

  it('round-trips a stream of JSON lines split by splitRecords', async () => {
    const records = [consumed(), consumed({ key: null, value: b([0xfe]) }), consumed({ headers: [['x', b('y')]] })];
    const stream = Readable.from([b(records.map((r) => `${recordJson(r)}\n`).join(''))]);
    let n = 0;
    const parsed: InputRecord[] = [];
    for await (const line of splitRecords(stream, b('\n'))) parsed.push(parseJsonRecord(line, ++n));
    expect(parsed).toStrictEqual(records.map(expected));
  });
});
