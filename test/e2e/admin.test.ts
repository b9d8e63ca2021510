// ktopics and kgroups as a user runs them: exit codes, stdout JSON, stderr errors; kconsume and kgroups agree on lag.
import { describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { freshTopic, uniqueName } from '../support/kafka.js';

// test/support/bins.ts (not ours to edit) names the older bins only; the path is built from the name alone.
const ktopics = (args: string[], input?: string) => run('ktopics', args, input === undefined ? {} : { input });
const kgroups = (args: string[]) => run('kgroups', args);

describe('ktopics and kgroups bins', () => {
  it('--help of each shows examples', async () => {
    for (const r of [await ktopics(['--help']), await kgroups(['--help'])]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });

  it('create, describe --json, alter, delete --yes: data on stdout, nothing on stderr', async () => {
    const topic = uniqueName('e2e-kt');
    const c = await ktopics(['create', topic, '-P', '2', '--config', 'retention.ms=3600000']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(`✔ created ${topic}: 2 partitions, replication 1\n`);
    expect(c.stderr).toBe('');
    const a = await ktopics(['alter', topic, '--config', 'cleanup.policy=compact', '--json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual({ topic, configs: [{ name: 'cleanup.policy', before: null, after: 'compact' }] });
    const d = await ktopics(['describe', topic, '--json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ topic, partitionCount: 2, underReplicated: 0, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });
    const l = await ktopics(['list', '--json']);
    expect(l.stdout.trim().split('\n').map((x) => JSON.parse(x))).toContainEqual({ name: topic, partitions: 2, replicationFactor: 1, internal: false });
    const x = await ktopics(['delete', topic, '--yes']);
    expect(x.code).toBe(0);
    expect(x.stdout).toBe(`✔ deleted ${topic}\n`);
  });

  it.each([
    { what: 'no --yes and no terminal', args: (t: string) => ['delete', t], code: 2, err: /not confirmed \(stdin is not a terminal\)\nhint: pass --yes/ },
    { what: 'zero partitions', args: (t: string) => ['create', t, '-P', '0'], code: 2, err: /expected a whole number from 1/ },
    { what: 'a config without a value', args: (t: string) => ['create', t, '--config', 'retention.ms'], code: 2, err: /expected name=value/ },
    { what: 'alter to zero partitions', args: (t: string) => ['alter', t, '--partitions', '0'], code: 2, err: /expected a whole number/ },
    { what: 'an invalid topic name', args: () => ['create', 'bad.topic!'], code: 2, err: /^error: "bad\.topic!" is not a valid topic name\nhint: topic names are 1 to 249 characters/ },
    { what: 'an unknown topic', args: () => ['describe', uniqueName('nope')], code: 1, err: /^error: topic "nope-.*" does not exist\nhint: `ktopics list`/ },
    { what: 'more replicas than brokers', args: () => ['create', uniqueName('rf'), '-r', '4'], code: 1, err: /larger than the number of brokers \(1\)\nhint: .*-r 1 or less/ },
  ])('ktopics: $what exits $code with one error line and a hint', async ({ args, code, err }) => {
    const topic = await freshTopic('e2e-kt-bad');
    const r = await ktopics(args(topic), '');
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(err);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('after kconsume reads k of n messages and exits, kgroups describe shows lag n-k', async () => {
    const topic = await freshTopic('e2e-lag');
    const n = 7;
    const k = 3;
    const p = await run('kproduce', [topic], { input: Array.from({ length: n }, (_, i) => `m${i}`).join('\n') + '\n' });
    expect(p.code).toBe(0);
    const group = uniqueName('e2e-g');
    const c = await run('kconsume', [topic, '-g', group, '--from-beginning', '-n', String(k)]);
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split('\n')).toHaveLength(k);
    const d = await kgroups(['describe', group, '--json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ group, state: 'Empty', totalLag: n - k, partitions: [{ topic, partition: 0, committed: k, logEnd: n, lag: n - k }] });
    const human = await kgroups(['describe', group]);
    expect(human.stdout).toContain(`total lag ${n - k}`);

    const dry = await kgroups(['reset', group, '-t', topic, '--to-earliest', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`dry run.*\\n.*\\n\\s+${topic}\\[0\\]\\s+${k}\\s+→\\s+0\\n$`));
    const again = await kgroups(['describe', group, '--json']);
    expect(JSON.parse(again.stdout).totalLag).toBe(n - k);
  });

  it.each([
    { what: 'an unknown group', args: () => ['describe', uniqueName('nope')], code: 1, err: /^error: group "nope-.*" does not exist\nhint: `kgroups list`/ },
    { what: 'two reset targets', args: () => ['reset', 'g', '-t', 't', '--to-earliest', '--to-latest'], code: 2, err: /cannot be used with/ },
    { what: 'no reset target', args: () => ['reset', 'g', '-t', 't'], code: 2, err: /no reset target given/ },
    { what: 'a bad --to-datetime', args: () => ['reset', 'g', '-t', 't', '--to-datetime', 'yesterday'], code: 2, err: /expected a duration like 1h/ },
    { what: 'a bad --shift-by', args: () => ['reset', 'g', '-t', 't', '--shift-by', 'x'], code: 2, err: /expected a whole number such as -10/ },
  ])('kgroups: $what exits $code', async ({ args, code, err }) => {
    const r = await kgroups(args());
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(err);
    expect(r.stdout).toBe('');
  });
});
