// Which registry a command uses (flag > KAFKA_SCHEMA_REGISTRY_URL > profile) and how a URL's credentials are split off.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistryUrl } from '../../../lib/schemas/client.js';
import { registryFrom } from '../../../lib/schemas/settings.js';
import { parseSchemaSpec, parseReference, parseSubjectMaybeVersion, parseSubjectVersion } from '../../../lib/schemas/source.js';

const dir = mkdtempSync(join(tmpdir(), 'registry-settings-'));
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ profiles: { default: { schemaRegistry: 'http://profile:8081', timeout: 4000 }, other: { brokers: 'b:9092' } } }));
const base = { KTOOL_CONFIG: config };

describe('registryFrom', () => {
  it('takes the flag, then the environment, then the profile; none when none is set', () => {
    expect(registryFrom({ registry: 'http://flag:1' }, { ...base, KAFKA_SCHEMA_REGISTRY_URL: 'http://env:2' })).toEqual({ url: 'http://flag:1', timeoutMs: 4000 });
    expect(registryFrom({}, { ...base, KAFKA_SCHEMA_REGISTRY_URL: 'http://env:2' })).toEqual({ url: 'http://env:2', timeoutMs: 4000 });
    expect(registryFrom({}, base)).toEqual({ url: 'http://profile:8081', timeoutMs: 4000 });
    expect(registryFrom({ profile: 'other' }, base)).toBeUndefined();
    expect(registryFrom({ timeout: 1234 }, base)?.timeoutMs).toBe(1234);
    expect(registryFrom({}, { XDG_CONFIG_HOME: dir })).toBeUndefined();
  });
  it('refuses an unknown key in a profile, as for every other setting', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ profiles: { default: { schemaRegistryUrl: 'x' } } }));
    expect(() => registryFrom({}, { KTOOL_CONFIG: bad })).toThrow(/unknown key "schemaRegistryUrl"/);
  });
});

describe('parseRegistryUrl', () => {
  it('sends user:password@ as basic auth and never keeps it in the URL', () => {
    expect(parseRegistryUrl('https://ana:p%40ss@sr.example.com/')).toEqual({ url: 'https://sr.example.com', auth: { username: 'ana', password: 'p@ss' } });
    expect(parseRegistryUrl('http://127.0.0.1:8081/apis/ccompat/v7')).toEqual({ url: 'http://127.0.0.1:8081/apis/ccompat/v7' });
  });
  it('refuses what is not an http(s) URL', () => {
    expect(() => parseRegistryUrl('localhost:8081')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parseRegistryUrl('not a url')).toThrow(/not a Schema Registry URL/);
  });
});

describe('schema specs', () => {
  it('reads FILE, id:N, SUBJECT and SUBJECT:VERSION', () => {
    expect(parseSchemaSpec(config)).toEqual({ kind: 'file', path: config });
    expect(parseSchemaSpec('id:42')).toEqual({ kind: 'id', id: 42 });
    expect(parseSchemaSpec('orders-value')).toEqual({ kind: 'subject', subject: 'orders-value', version: 'latest' });
    expect(parseSchemaSpec('orders-value:3')).toEqual({ kind: 'subject', subject: 'orders-value', version: 3 });
    expect(parseSubjectVersion('a:b:latest')).toEqual({ subject: 'a:b', version: 'latest' });
    expect(parseSubjectMaybeVersion('orders-value')).toEqual({ subject: 'orders-value' });
    expect(parseSubjectMaybeVersion('orders-value:2')).toEqual({ subject: 'orders-value', version: 2 });
    expect(() => parseSchemaSpec('missing.avsc')).toThrow(/no schema file "missing.avsc"/);
  });
  it('reads --references NAME=SUBJECT:VERSION', () => {
    expect(parseReference('money.proto=money-value:1')).toEqual({ name: 'money.proto', subject: 'money-value', version: 1 });
    expect(() => parseReference('money.proto')).toThrow(/NAME=SUBJECT:VERSION/);
  });
});
