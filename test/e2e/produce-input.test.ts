// kproduce's input as users give it: --json-input lines that would silently do the wrong thing, checked with kcat.
import { describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { freshTopic } from '../support/kafka.js';

const lines = (s: string) => s.split('\n').filter(Boolean);
const stored = (topic: string) => lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%p %k=%s\\n']).stdout);

describe('kproduce --json-input refuses what it cannot send faithfully', () => {
  it('a misspelt field ("valu") is an error naming the line, not a tombstone; the lines before it are sent', async () => {
    const topic = await freshTopic('json-typo');
    const r = await run('kproduce', [topic, '--json-input'], { input: '{"key":"a","value":"1"}\n{"key":"b","valu":"x"}\n{"key":"c","value":"3"}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\nerror: line 2: unknown field "valu" \(known: [^)]*\bvalue\b[^)]*\) \(the 1 messages before it were acknowledged\)\nhint: [^\n]+\n$/);
    expect(stored(topic)).toEqual(['0 a=1']);
  });

  it('a "partition" the topic lacks gets the same message as -p, and nothing of that batch is reported sent', async () => {
    const topic = await freshTopic('json-partition', 3);
    const flag = await run('kproduce', [topic, '-p', '7', 'x']);
    expect(flag.code).toBe(1);
    const expected = `error: topic "${topic}" has no partition 7 (it has 3: 0-2)\nhint: pick a partition that exists; \`ktopics describe\` lists them\n`;
    expect(flag.stderr).toBe(expected);

    const json = await run('kproduce', [topic, '--json-input'], { input: '{"value":"x","partition":7}\n' });
    expect(json.code).toBe(1);
    expect(json.stderr.endsWith(expected)).toBe(true);
    expect(json.stderr).toMatch(/1 not acknowledged/);
    expect(stored(topic)).toEqual([]);
  });
});
