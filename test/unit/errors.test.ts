import { describe, expect, it } from 'vitest';
import { EXIT, KtoolError, toKtoolError, usageError } from '../../lib/errors.js';

describe('EXIT', () => {
  it('has the documented exit codes', () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, unreachable: 3, environment: 4, auth: 5, interrupted: 130 });
  });
});

describe('KtoolError', () => {
  it('defaults to exit code 1, no hint and no cause', () => {
    const e = new KtoolError('SOME_CODE', 'something failed');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('KtoolError');
    expect(e.code).toBe('SOME_CODE');
    expect(e.message).toBe('something failed');
    expect(e.exitCode).toBe(EXIT.failed);
    expect(e.hint).toBeUndefined();
    expect('cause' in e).toBe(false);
    expect(e.stack).toContain('something failed');
  });

  it('keeps the exit code, hint and cause it is given', () => {
    const cause = new Error('root cause');
    const e = new KtoolError('UNREACHABLE', 'no broker', { exitCode: EXIT.unreachable, hint: 'is Kafka running?', cause });
    expect(e).toMatchObject({ code: 'UNREACHABLE', message: 'no broker', exitCode: 3, hint: 'is Kafka running?' });
    expect(e.cause).toBe(cause);
  });

  it.each([
    { cause: 'a string' },
    { cause: 0 },
    { cause: null },
    { cause: { errno: -111 } },
  ])('keeps a non-Error cause $cause', ({ cause }) => {
    const e = new KtoolError('X', 'm', { cause });
    expect('cause' in e).toBe(true);
    expect(e.cause).toBe(cause);
  });
});

describe('usageError', () => {
  it.each([
    { hint: undefined },
    { hint: 'see --help' },
  ])('is a USAGE error with exit code 2 and hint $hint', ({ hint }) => {
    const e = usageError('missing --topic', hint);
    expect(e).toBeInstanceOf(KtoolError);
    expect(e).toMatchObject({ code: 'USAGE', message: 'missing --topic', exitCode: EXIT.usage });
    expect(e.exitCode).toBe(2);
    expect(e.hint).toBe(hint);
  });
});

describe('toKtoolError', () => {
  it('passes a KtoolError through unchanged', () => {
    const original = new KtoolError('PORT_TAKEN', 'port 9092 is in use', { exitCode: 4, hint: 'use --port' });
    const e = toKtoolError(original);
    expect(e).toBe(original);
    expect(e).toMatchObject({ code: 'PORT_TAKEN', exitCode: 4, hint: 'use --port' });
  });

  it.each([
    { what: 'an Error', error: new Error('boom'), message: 'boom' },
    { what: 'a TypeError', error: new TypeError('x is not a function'), message: 'x is not a function' },
    { what: 'a string', error: 'plain text', message: 'plain text' },
    { what: 'a number', error: 42, message: '42' },
    { what: 'undefined', error: undefined, message: 'undefined' },
  ])('wraps $what as INTERNAL (exit 1), keeping it as the cause', ({ error, message }) => {
    const e = toKtoolError(error);
    expect(e).toBeInstanceOf(KtoolError);
    expect(e).not.toBe(error);
    expect(e).toMatchObject({ code: 'INTERNAL', message, exitCode: EXIT.failed });
    expect(e.hint).toBeUndefined();
    expect(e.cause).toBe(error);
  });
});
