// kconnect's config input: --class, --config and -f in Connect's two JSON shapes, and what is refused before any request.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../../lib/connect/input.js';

const dir = mkdtempSync(join(tmpdir(), 'kconnect-input-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('buildConfig', () => {
  it('takes --class and --config entries, later entries winning', () => {
    expect(buildConfig('a', { class: 'FileStreamSource', entries: [['topic', 't'], ['topic', 'u'], ['file', '/x=y']] })).toEqual({ 'connector.class': 'FileStreamSource', topic: 'u', file: '/x=y' });
  });
  it('reads the POST shape {name, config} and the flat PUT shape; flags override the file; numbers become strings', () => {
    const post = file('post.json', JSON.stringify({ name: 'a', config: { 'connector.class': 'X', 'tasks.max': 2, topic: 't' } }));
    expect(buildConfig('a', { file: post, entries: [['topic', 'v']] })).toEqual({ 'connector.class': 'X', 'tasks.max': '2', topic: 'v' });
    const flat = file('flat.json', JSON.stringify({ name: 'a', 'connector.class': 'X', enabled: true }));
    expect(buildConfig('a', { file: flat, class: 'Y', entries: [] })).toEqual({ 'connector.class': 'Y', enabled: 'true' });
  });
  it.each([
    ['no class', () => buildConfig('a', { entries: [['topic', 't']] }), /^no connector class$/],
    ['a file that names another connector', () => buildConfig('a', { file: file('other.json', '{"name":"b","config":{"connector.class":"X"}}'), entries: [] }), /names the connector "b", not "a"/],
    ['a name entry that differs', () => buildConfig('a', { class: 'X', entries: [['name', 'b']] }), /config "name" is "b", not "a"/],
    ['not JSON', () => buildConfig('a', { file: file('bad.json', '{nope'), entries: [] }), /is not JSON/],
    ['a JSON array', () => buildConfig('a', { file: file('arr.json', '[]'), entries: [] }), /holds no JSON object/],
    ['a nested value', () => buildConfig('a', { file: file('nested.json', '{"connector.class":"X","t":{"a":1}}'), entries: [] }), /config "t" .* is not a string/],
    ['a missing file', () => buildConfig('a', { file: join(dir, 'missing.json'), entries: [] }), /cannot read .*missing\.json: no such file/],
  ])('refuses %s as a usage error', (_what, call, message) => {
    expect(call).toThrow(message);
    try {
      call();
    } catch (e) {
      expect(e).toMatchObject({ exitCode: 2 });
    }
  });
});
