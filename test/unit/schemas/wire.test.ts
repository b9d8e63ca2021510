// Confluent's frame and Protobuf message indexes, against bytes worked out by hand from Confluent's documentation.
import { describe, expect, it } from 'vitest';
import { frame, isFramed, readMessageIndexes, unframe, writeMessageIndexes } from '../../../lib/schemas/wire.js';

describe('Confluent frame', () => {
  it('is magic 0, the id big-endian, then the payload', () => {
    expect(frame(258, Buffer.from('x'))).toEqual(Buffer.from([0, 0, 0, 1, 2, 0x78]));
    expect(unframe(Buffer.from([0, 0, 0, 1, 2, 0x78]))).toEqual({ id: 258, payload: Buffer.from('x') });
  });
  it('tells framed bytes from plain ones', () => {
    expect(isFramed(Buffer.from('{"a":1}'))).toBe(false);
    expect(isFramed(Buffer.from([0, 0, 0, 1]))).toBe(false);
    expect(isFramed(null)).toBe(false);
    expect(isFramed(Buffer.from([0, 0, 0, 0, 7]))).toBe(true);
    expect(() => unframe(Buffer.from('abc'))).toThrow(/not a Confluent-framed value/);
  });
});

describe('message indexes (zig-zag varints)', () => {
  it('writes [0] as one zero byte and others as count then indexes', () => {
    expect(writeMessageIndexes([0])).toEqual(Buffer.from([0]));
    expect(writeMessageIndexes([1])).toEqual(Buffer.from([2, 2]));
    expect(writeMessageIndexes([2])).toEqual(Buffer.from([2, 4]));
    expect(writeMessageIndexes([1, 0])).toEqual(Buffer.from([4, 2, 0]));
    expect(writeMessageIndexes([64])).toEqual(Buffer.from([2, 0x80, 0x01]));
  });
  it('reads them back and leaves the payload', () => {
    expect(readMessageIndexes(Buffer.from([0, 0x0a, 0x01, 0x61]))).toEqual({ indexes: [0], payload: Buffer.from([0x0a, 0x01, 0x61]) });
    expect(readMessageIndexes(Buffer.from([4, 2, 0, 0x08, 0x01]))).toEqual({ indexes: [1, 0], payload: Buffer.from([0x08, 0x01]) });
    expect(readMessageIndexes(Buffer.from([2, 0x80, 0x01]))).toEqual({ indexes: [64], payload: Buffer.alloc(0) });
    expect(() => readMessageIndexes(Buffer.from([2, 0x80]))).toThrow(/truncated/);
  });
});
