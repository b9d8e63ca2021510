// lib/config/config.ts, lib/config/file.ts, lib/cli/connection.ts and lib/config/secret.ts: precedence, parsing, refusals, redaction.
import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envSettings, mergeSettings, parseBool, parseSaslMechanism, resolveSettings, type Settings } from '../../../lib/config/config.js';
import { configPath, profileSettings } from '../../../lib/config/file.js';
import { addConnectionOptions, connectionFrom, type ConnectionFlags } from '../../../lib/cli/connection.js';
import { readPassword } from '../../../lib/config/secrets.js';
import { EXIT, KtoolError } from '../../../lib/errors.js';
import { redact, Secret } from '../../../lib/config/secret.js';

const PW = 'Sup3r-Secret-Pw-9f1c';
const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KtoolError);
    expect((e as KtoolError).exitCode).toBe(EXIT.usage);
    return e as KtoolError;
  }
  throw new Error('expected a usage error');
};

describe('mergeSettings: flags > environment > profile', () => {
  const flags: Settings = { brokers: ['f:1'] };
  const env: Settings = { brokers: ['e:1'], username: 'env-user' };
  const profile: Settings = { brokers: ['p:1'], username: 'p-user', clientId: 'p-client', timeoutMs: 5 };
  it.each([
    { name: 'a flag beats env and profile', layers: [flags, env, profile], key: 'brokers', want: ['f:1'] },
    { name: 'env beats the profile', layers: [{}, env, profile], key: 'username', want: 'env-user' },
    { name: 'the profile fills what flags and env leave out', layers: [flags, env, profile], key: 'clientId', want: 'p-client' },
    { name: 'nothing anywhere stays unset', layers: [flags, env, profile], key: 'ca', want: undefined },
    { name: 'an explicit undefined does not hide a lower layer', layers: [{ brokers: undefined }, {}, profile], key: 'brokers', want: ['p:1'] },
  ])('$name', ({ layers, key, want }) => {
    expect(mergeSettings(layers as Settings[])[key as keyof Settings]).toEqual(want);
  });
});

describe('resolveSettings', () => {
  it('fills defaults and freezes', () => {
    const r = resolveSettings({});
    expect(r).toEqual({ brokers: ['127.0.0.1:9092'], clientId: 'ktool', timeoutMs: 10_000 });
    expect(Object.isFrozen(r)).toBe(true);
  });
  it('builds SASL from mechanism, user and password', () => {
    const password = { from: 'value' as const, value: new Secret(PW) };
    expect(resolveSettings({ saslMechanism: 'scram-sha-256', username: 'u', password }).sasl).toEqual({ mechanism: 'scram-sha-256', username: 'u', password });
  });
  it.each([
    { name: 'user without mechanism', s: { username: 'u' }, message: 'no SASL mechanism' },
    { name: 'mechanism without user', s: { saslMechanism: 'plain' }, message: 'needs a user name' },
    { name: 'mechanism and user without password', s: { saslMechanism: 'plain', username: 'u' }, message: 'needs a password' },
    { name: 'cert without key', s: { cert: '/c.pem' }, message: '--cert needs --cert-key' },
    { name: 'key without cert', s: { key: '/k.pem' }, message: '--cert-key needs --cert' },
  ])('refuses $name (exit 2)', ({ s, message }) => {
    expect(usage(() => resolveSettings(s as Settings)).message).toContain(message);
  });
  it.each([
    { s: { tls: true }, tls: { insecure: false } },
    { s: { ca: '/ca.pem' }, tls: { ca: '/ca.pem', insecure: false } },
    { s: { cert: '/c', key: '/k' }, tls: { cert: '/c', key: '/k', insecure: false } },
    { s: { insecure: true }, tls: { insecure: true } },
    { s: { tls: false }, tls: undefined },
    { s: {}, tls: undefined },
  ])('TLS from $s', ({ s, tls }) => {
    expect(resolveSettings(s as Settings).tls).toEqual(tls);
  });
});

describe('parsers', () => {
  it.each([['PLAIN', 'plain'], ['scram-sha-256', 'scram-sha-256'], ['SCRAM-SHA-512', 'scram-sha-512']])('mechanism %s', (v, want) => {
    expect(parseSaslMechanism(v)).toBe(want);
  });
  it.each(['GSSAPI', 'OAUTHBEARER', 'scram', ''])('refuses mechanism %j', (v) => {
    expect(() => parseSaslMechanism(v)).toThrow('expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512');
  });
  it.each([['1', true], ['true', true], ['no', false], ['0', false]])('bool %s', (v, want) => expect(parseBool(v)).toBe(want));
  it('refuses a bool that is neither', () => expect(() => parseBool('maybe')).toThrow('expected true or false'));
});

describe('envSettings', () => {
  it('reads every variable; empty ones count as unset', () => {
    const s = envSettings({ KAFKA_BROKERS: 'a:1,b:2', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_USERNAME: 'u', KAFKA_PASSWORD: PW, KAFKA_TLS: '1', KAFKA_CA: '/ca', KAFKA_CERT: '', KAFKA_CERT_KEY: '' });
    expect(s).toMatchObject({ brokers: ['a:1', 'b:2'], saslMechanism: 'scram-sha-512', username: 'u', tls: true, ca: '/ca' });
    expect(s.password?.from === 'value' && s.password.value.reveal()).toBe(PW);
    expect(s.cert).toBeUndefined();
  });
  it('KAFKA_PASSWORD_FILE is a file source', () => {
    expect(envSettings({ KAFKA_PASSWORD_FILE: '/run/pw' }).password).toEqual({ from: 'file', path: '/run/pw' });
  });
  it.each([
    { env: { KAFKA_BROKERS: 'nope' }, message: 'KAFKA_BROKERS: expected host:port' },
    { env: { KAFKA_SASL_MECHANISM: 'GSSAPI' }, message: 'KAFKA_SASL_MECHANISM:' },
    { env: { KAFKA_TLS: 'sure' }, message: 'KAFKA_TLS:' },
    { env: { KAFKA_PASSWORD: PW, KAFKA_PASSWORD_FILE: '/x' }, message: 'both KAFKA_PASSWORD and KAFKA_PASSWORD_FILE' },
  ])('refuses $env with a usage error naming the variable', ({ env, message }) => {
    const e = usage(() => envSettings(env));
    expect(e.message).toContain(message);
    expect(e.message).not.toContain(PW);
  });
});

describe('config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktool-config-'));
  const file = join(dir, 'config.json');
  const write = (doc: unknown) => writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  const env = { KTOOL_CONFIG: file };

  it('lives at $KTOOL_CONFIG, else $XDG_CONFIG_HOME/ktool/config.json, else ~/.config/ktool/config.json', () => {
    expect(configPath({ KTOOL_CONFIG: file })).toEqual({ path: file, explicit: true });
    expect(configPath({ XDG_CONFIG_HOME: '/xdg' })).toEqual({ path: '/xdg/ktool/config.json', explicit: false });
    expect(configPath({}).path).toMatch(/\.config\/ktool\/config\.json$/);
  });

  it('reads a named profile; relative paths are relative to the file', () => {
    write({ profiles: { dev: { brokers: ['h:9094', 'h:9095'], clientId: 'me', timeout: 2500, sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', passwordFile: 'pw.txt' }, tls: { ca: 'ca.crt', cert: '/abs/c.crt', key: 'k.pem' } } } });
    expect(profileSettings(env, 'dev')).toEqual({
      brokers: ['h:9094', 'h:9095'],
      clientId: 'me',
      timeoutMs: 2500,
      saslMechanism: 'scram-sha-256',
      username: 'alice',
      password: { from: 'file', path: join(dir, 'pw.txt') },
      tls: true,
      ca: join(dir, 'ca.crt'),
      cert: '/abs/c.crt',
      key: join(dir, 'k.pem'),
    });
  });

  it('uses the profile named "default" when none is named, and nothing when there is none', () => {
    write({ profiles: { default: { brokers: 'd:1' }, other: { brokers: 'o:1' } } });
    expect(profileSettings(env, undefined)).toEqual({ brokers: ['d:1'] });
    write({ profiles: { other: { brokers: 'o:1' } } });
    expect(profileSettings(env, undefined)).toEqual({});
  });

  it('a missing file is fine unless a profile or KTOOL_CONFIG asks for it', () => {
    const missing = join(dir, 'missing', 'config.json');
    expect(profileSettings({ XDG_CONFIG_HOME: join(dir, 'missing') }, undefined)).toEqual({});
    expect(usage(() => profileSettings({ XDG_CONFIG_HOME: join(dir, 'nowhere') }, 'dev')).message).toContain('no config file at');
    expect(usage(() => profileSettings({ KTOOL_CONFIG: missing }, undefined)).message).toContain(missing);
  });

  it('malformed JSON: the error says where, never quotes the text (it may be a password)', () => {
    write(`{"profiles": {"dev": {"sasl": {"password": ${PW}}}}}`);
    const e = usage(() => profileSettings(env, 'dev'));
    expect(e.message).toMatch(/is not valid JSON/);
    expect(`${e.message} ${e.hint}`).not.toContain(PW.slice(0, 6));
  });

  it.each([
    { doc: '{not json', message: 'is not valid JSON' },
    { doc: { dev: {} }, message: 'has no "profiles" object' },
    { doc: { profiles: { other: {} } }, message: 'no profile "dev"' },
    { doc: { profiles: { dev: { broker: 'x:1' } } }, message: 'unknown key "broker"' },
    { doc: { profiles: { dev: { sasl: { mechanism: 'plain', user: 'u' } } } }, message: 'unknown key "sasl.user"' },
    { doc: { profiles: { dev: { sasl: { mechanism: 'GSSAPI' } } } }, message: '"sasl.mechanism"' },
    { doc: { profiles: { dev: { sasl: { password: 'a', passwordFile: 'b' } } } }, message: 'not both' },
    { doc: { profiles: { dev: { brokers: 9092 } } }, message: '"brokers" must be' },
    { doc: { profiles: { dev: { timeout: 0 } } }, message: '"timeout"' },
    { doc: { profiles: { dev: { tls: 'yes' } } }, message: '"tls" must be' },
  ])('refuses $message (exit 2)', ({ doc, message }) => {
    write(doc);
    expect(usage(() => profileSettings(env, 'dev')).message).toContain(message);
  });
});

describe('connectionFrom: the merged, frozen ConnectionOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktool-conn-'));
  const file = join(dir, 'config.json');
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, `${PW}\n`);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  writeFileSync(file, JSON.stringify({ profiles: { dev: { brokers: 'p:1', clientId: 'from-profile', sasl: { mechanism: 'plain', username: 'p-user', passwordFile: 'pw' }, tls: { ca: 'ca.pem' } } } }));
  const base = { KTOOL_CONFIG: file };
  const parse = (argv: string[]): ConnectionFlags => addConnectionOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => {} })).parse(argv, { from: 'user' }).opts();

  it('defaults alone: no SASL, no TLS', () => {
    const c = connectionFrom(parse([]), { env: {} });
    expect(c).toEqual({ brokers: ['127.0.0.1:9092'], clientId: 'ktool', timeoutMs: 10_000, debug: false });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('a profile gives brokers, SASL (password from its file) and TLS (CA read)', () => {
    const c = connectionFrom(parse(['--profile', 'dev']), { env: base });
    expect(c.brokers).toEqual(['p:1']);
    expect(c.clientId).toBe('from-profile');
    expect(c.sasl?.username).toBe('p-user');
    expect(c.sasl?.password.reveal()).toBe(PW);
    expect(c.tls?.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(c.tls?.insecure).toBe(false);
  });

  it('KTOOL_PROFILE picks the profile; env beats it; flags beat env', () => {
    const env = { ...base, KTOOL_PROFILE: 'dev', KAFKA_BROKERS: 'e:1', KAFKA_USERNAME: 'e-user' };
    const fromEnv = connectionFrom(parse([]), { env });
    expect([fromEnv.brokers, fromEnv.sasl?.username, fromEnv.clientId]).toEqual([['e:1'], 'e-user', 'from-profile']);
    const fromFlags = connectionFrom(parse(['-b', 'f:1', '--username', 'f-user', '--client-id', 'f-id']), { env });
    expect([fromFlags.brokers, fromFlags.sasl?.username, fromFlags.clientId]).toEqual([['f:1'], 'f-user', 'f-id']);
  });

  it('--password-stdin reads stdin, without its trailing newline', () => {
    const c = connectionFrom(parse(['--sasl-mechanism', 'SCRAM-SHA-512', '--username', 'u', '--password-stdin']), { env: {}, isTTY: false, read: () => `${PW}\n` });
    expect(c.sasl?.mechanism).toBe('scram-sha-512');
    expect(c.sasl?.password.reveal()).toBe(PW);
  });

  it('--password-stdin is refused when stdin carries the messages', () => {
    const e = usage(() => connectionFrom(parse(['--sasl-mechanism', 'plain', '--username', 'u', '--password-stdin']), { env: {}, stdinIsData: true, read: () => PW }));
    expect(e.message).toBe('--password-stdin cannot be used while messages are read from stdin');
    expect(e.hint).toContain('--password-file');
  });

  it('--password-stdin on a terminal is refused rather than waiting', () => {
    expect(usage(() => connectionFrom(parse(['--sasl-mechanism', 'plain', '--username', 'u', '--password-stdin']), { env: {}, isTTY: true })).message).toContain('stdin is a terminal');
  });

  it('--password works, with a warning that ps shows it (the warning does not contain it)', () => {
    const warnings: string[] = [];
    const c = connectionFrom(parse(['--sasl-mechanism', 'plain', '--username', 'u', '--password', PW]), { env: {}, warn: (l) => warnings.push(l) });
    expect(c.sasl?.password.reveal()).toBe(PW);
    expect(warnings).toEqual([expect.stringContaining('visible to other users')]);
    expect(warnings.join('')).not.toContain(PW);
  });

  it('a password flag without SASL is a usage error', () => {
    expect(usage(() => connectionFrom(parse(['--password-file', pwFile]), { env: {} })).message).toContain('no SASL mechanism');
  });

  it.each([
    { argv: ['--ca', join(dir, 'nope.pem')], message: 'cannot read CA file' },
    { argv: ['--ca', pwFile], message: 'is not a PEM file' },
    { argv: ['--sasl-mechanism', 'plain', '--username', 'u', '--password-file', join(dir, 'nope')], message: 'cannot read password file' },
  ])('unreadable files are usage errors: $message', ({ argv, message }) => {
    const e = usage(() => connectionFrom(parse(argv), { env: {} }));
    expect(e.message).toContain(message);
    expect(e.message).not.toContain(PW);
  });

  it.each([
    [['--password', 'a', '--password-file', 'b']],
    [['--password-file', 'b', '--password-stdin']],
    [['--password', 'a', '--password-stdin']],
    [['--sasl-mechanism', 'GSSAPI']],
  ])('commander refuses %j', (argv) => {
    expect(() => parse(argv)).toThrow();
  });

  it('the credentials never show when the options are printed, inspected or JSON-encoded', () => {
    const c = connectionFrom(parse(['--sasl-mechanism', 'plain', '--username', 'u', '--password-file', pwFile]), { env: {} });
    expect(JSON.stringify(c)).not.toContain(PW);
    expect(inspect(c, { depth: 10 })).not.toContain(PW);
    expect(String(c.sasl?.password)).toBe('[redacted]');
    expect(`${c.sasl?.password}`).not.toContain(PW);
  });
});

describe('Secret and redact', () => {
  it('redact replaces every occurrence', () => {
    expect(redact(`a ${PW} b ${PW}`, [new Secret(PW)])).toBe('a [redacted] b [redacted]');
  });
  it('readPassword returns the value source as is', () => {
    const s = new Secret(PW);
    expect(readPassword({ from: 'value', value: s })).toBe(s);
  });
  it('an empty password file is refused', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'ktool-pw-')), 'empty');
    writeFileSync(f, '\n');
    expect(usage(() => readPassword({ from: 'file', path: f })).message).toContain('is empty');
  });
});
