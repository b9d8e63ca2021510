// What the bins say when something is wrong, or report when it is not, must be true of the cluster they ran against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { freshTopic, uniqueName } from '../support/kafka.js';

const lines = (s: string) => s.split('\n').filter(Boolean);

describe('the unknown-topic hint', () => {
  it('on a broker that auto-creates topics, says who creates them (not "auto.create.topics.enable=false") and names ktopics create', async () => {
    // This broker creates a topic on first write: the hint must not claim otherwise.
    const made = uniqueName('autocreated');
    expect((await run('kproduce', [made, 'x'])).code).toBe(0);
    expect(kcat(['-C', '-t', made, '-e', '-q', '-f', '%s\\n']).stdout).toBe('x\n');

    const missing = uniqueName('nosuch');
    const r = await run('kconsume', [missing, '-e']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: topic "${missing}" does not exist\n` +
        `hint: check the name (a typo?), or create it: \`ktopics create ${missing}\`. kconsume, kgroups and ktopics never create a topic; kproduce does only where the broker allows it (auto.create.topics.enable=true, the default of Kafka and kstack)\n`,
    );
  });
});

describe('kgroups describe -t', () => {
  it('names the one topic that does not exist, not the list joined by commas', async () => {
    const topic = await freshTopic('kg-t');
    expect((await run('kproduce', [topic, 'a', 'b'])).code).toBe(0);
    const group = uniqueName('kg-g');
    expect((await run('kconsume', [topic, '-g', group, '--from-beginning', '-n', '1'])).code).toBe(0);
    const missing = uniqueName('nosuch');
    const r = await run('kgroups', ['describe', group, '-t', topic, '-t', missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: topic "${missing}" does not exist\nhint: \`ktopics list\` shows the topics there are; \`ktopics create NAME\` makes one\n`);
    // The topic that exists still describes.
    const ok = await run('kgroups', ['describe', group, '-t', topic, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ group, partitions: [{ topic, partition: 0, committed: 1, logEnd: 2, lag: 1 }] });
  });
});

describe('ktopics create and alter --config', () => {
  // The reason is the broker's own text (Kafka 3.9: "Unknown topic config name: bogus.cfg", "Invalid value abc for
  // configuration retention.ms: Not a number of type LONG"); it must name the key, and the value where that is wrong.
  it.each([
    { config: 'bogus.cfg=1', names: ['bogus.cfg'] },
    { config: 'retention.ms=abc', names: ['retention.ms', 'abc'] },
  ])('$config: the error names the key and gives the broker\'s reason; no topic is made', async ({ config, names }) => {
    const topic = uniqueName('kt-cfg');
    const r = await run('ktopics', ['create', topic, '--config', config]);
    expect(r.code).toBe(1);
    const [error, hint, rest] = r.stderr.split('\n');
    expect(error?.startsWith(`error: the broker refused a config of topic "${topic}": `)).toBe(true);
    for (const name of names) expect(error).toContain(name);
    expect(hint).toBe('hint: check the names and values against https://kafka.apache.org/documentation/#topicconfigs');
    expect(rest).toBe('');
    expect((await run('ktopics', ['describe', topic])).code).toBe(1);
  });

  it('ktopics alter --config: the same, and the topic keeps its configs', async () => {
    const topic = await freshTopic('kt-alter', 1, undefined, 1, { 'retention.ms': '3600000' });
    const r = await run('ktopics', ['alter', topic, '--config', 'retention.ms=abc']);
    expect(r.code).toBe(1);
    const [error, , rest] = r.stderr.split('\n');
    expect(error?.startsWith(`error: the broker refused a config of topic "${topic}": `)).toBe(true);
    expect(error).toContain('retention.ms');
    expect(error).toContain('abc');
    expect(rest).toBe('');
    expect(JSON.parse((await run('ktopics', ['describe', topic, '--json'])).stdout).configs).toEqual({ 'retention.ms': '3600000' });
  });

  it('--if-not-exists --json reports the configs the existing topic has, not {} or what was asked', async () => {
    const topic = uniqueName('kt-ine');
    const made = await run('ktopics', ['create', topic, '-P', '1', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact', '--json']);
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toEqual({ topic, created: true, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } });
    for (const asked of [[], ['--config', 'retention.ms=1000']]) {
      const again = await run('ktopics', ['create', topic, '--if-not-exists', '--json', ...asked]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ topic, created: false, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } });
    }
  });
});

describe('what the README and docs/kconsume.md show', () => {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  const kconsumeDoc = readFileSync(join(packageRoot(), 'docs', 'kconsume.md'), 'utf8');

  it('the keyed examples of "Topics, partitions and keys" show the partitions the command (and kcat, murmur2) picks', async () => {
    const examples = [...readme.matchAll(/^kproduce teste -k (\w+) ((?:\w+ )+)\s*# → ✔ teste\[(\d+)\]@… key=\1 \d+ ms$/gm)].map((m) => ({ key: m[1]!, values: m[2]!.trim().split(' '), partition: m[3]! }));
    expect(examples.map((e) => [e.key, e.partition])).toEqual([['alice', '0'], ['carol', '2']]);
    // A `teste` of 3 partitions (kstack's and Kafka's auto-created count), as a newcomer has it.
    const topic = await freshTopic('readme-keys', 3);
    const mirror = await freshTopic('readme-kcat', 3);
    for (const e of examples) {
      const r = await run('kproduce', [topic, '-k', e.key, ...e.values]);
      expect(r.code).toBe(0);
      // Every record of the key on the partition shown, in order.
      expect(lines(r.stdout).map((l) => /^✔ \S+\[(\d+)\]@(\d+) key=(\w+) \d+ ms$/.exec(l)?.slice(1))).toEqual(e.values.map((_, i) => [e.partition, String(i), e.key]));
      // kcat, told to use the Java client's partitioner, puts the key on the same partition.
      expect(kcat(['-P', '-t', mirror, '-k', e.key, '-X', 'partitioner=murmur2_random'], 'x\n').code).toBe(0);
    }
    const byKey = (t: string) => Object.fromEntries(lines(kcat(['-C', '-t', t, '-e', '-q', '-f', '%k %p\\n']).stdout).map((l) => l.split(' ')));
    expect(byKey(mirror)).toEqual({ alice: '0', carol: '2' });
    expect(byKey(topic)).toEqual({ alice: '0', carol: '2' });
  });

  it('kconsume escapes control characters, a tab included (\\t), in keys and values; --raw prints the bytes', async () => {
    expect(kconsumeDoc).toContain('newlines, tabs and other control characters in a key, value or header are escaped (`\\n`, `\\t`, `\\x01`)');
    const topic = await freshTopic('tabs');
    expect(kcat(['-P', '-t', topic, '-K', ':'], 'k\tx:a\tb\u0001c\n').code).toBe(0);
    const pretty = await run('kconsume', [topic, '--from-beginning', '-e']);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toBe(`${topic}[0]@0 key=k\\tx a\\tb\\x01c\n`);
    const raw = await run('kconsume', [topic, '--from-beginning', '-e', '--raw']);
    expect(raw.stdout).toBe('a\tb\u0001c\n');
  });
});
