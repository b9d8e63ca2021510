// kproduce and kconsume as a user runs them, and interop with kcat, an independent client (librdkafka).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { freshTopic, uniqueName } from '../support/kafka.js';

describe('kproduce and kconsume', () => {
  it('--help works and shows examples', async () => {
    for (const name of ['kproduce', 'kconsume', 'kstack'] as const) {
      const r = await run(name, ['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: /);
      expect(r.stdout).toContain('Examples:');
    }
  });

  it('each bin in package.json runs directly, as npx and npm link run it (executable, with its shebang)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../../lib/stack/paths.js');
    const bins = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).bin as Record<string, string>;
    expect(Object.keys(bins).sort()).toEqual(['kconnect', 'kconsume', 'kgroups', 'kproduce', 'kschemas', 'kstack', 'ktopics']);
    for (const file of Object.values(bins)) {
      const r = spawnSync(join(packageRoot(), file), ['--help'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: /);
    }
  });

  it('sends a message and prints the delivery report; kconsume prints it back; stderr carries no data', async () => {
    const topic = await freshTopic('e2e');
    const p = await run('kproduce', [topic, 'hello']);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`^✔ ${topic}\\[0\\]@0 \\d+ ms\\n$`));
    expect(p.stderr).toBe('');

    const c = await run('kconsume', [topic, '--group', uniqueName('g'), '--from-beginning', '-e']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(`${topic}[0]@0 hello\n`);
    expect(c.stderr).toMatch(/assigned /);
  });

  it('reads stdin line by line and emits JSON lines that parse', async () => {
    const topic = await freshTopic('e2e-stdin');
    const p = await run('kproduce', [topic, '--json', '--report', 'each', '-k', 'k1'], { input: 'one\ntwo\nthree\n' });
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split('\n').map((l) => JSON.parse(l).offset)).toEqual([0, 1, 2]);
    expect(p.stderr).toMatch(/^kproduce: 3 messages \(\d+ B\) acknowledged in \d+ ms, \d+ msg\/s\n$/);
    const c = await run('kconsume', [topic, '--from-beginning', '-e', '--json']);
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([
      { topic, partition: 0, offset: 0, key: 'k1', value: 'one' },
      { key: 'k1', value: 'two' },
      { key: 'k1', value: 'three' },
    ]);
  });

  it('-n stops after that many records and exits 0', async () => {
    const topic = await freshTopic('e2e-n');
    await run('kproduce', [topic, 'a', 'b', 'c']);
    const c = await run('kconsume', [topic, '--from-beginning', '-n', '2']);
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('a broker that is down gives a one-line error saying the connection was refused, exit 3', async () => {
    for (const name of ['kproduce', 'kconsume'] as const) {
      const args = name === 'kproduce' ? ['t', 'm'] : ['t', '-e'];
      const r = await run(name, [...args, '-b', '127.0.0.1:1', '--timeout', '2000'], { timeoutMs: 30_000 });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^error: could not reach Kafka at 127\.0\.0\.1:1: connection refused \(nothing listens on that port\)\nhint: /);
      expect(r.stdout).toBe('');
      expect(r.ms).toBeLessThan(15_000);
    }
  });

  // Bad input (flags, values, stdin, | head -1) is table-driven in hostile-input.test.ts.
});

// kcat is a test dependency (.ci/run installs Debian's package): missing, these fail rather than skip.
describe('interop with kcat', () => {
  it('kcat reads what kproduce writes, keys included', async () => {
    const topic = await freshTopic('to-kcat');
    const p = await run('kproduce', [topic, '-k', 'user-1', 'first', 'second']);
    expect(p.code).toBe(0);
    const k = kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k=%s@%o\\n']);
    expect(k.code).toBe(0);
    expect(k.stdout).toBe('user-1=first@0\nuser-1=second@1\n');
  });

  it('kconsume reads what kcat writes, keys and headers included', async () => {
    const topic = await freshTopic('from-kcat');
    const k = kcat(['-P', '-t', topic, '-K', ':', '-H', 'source=kcat'], 'id-7:from kcat\n');
    expect(k.code).toBe(0);
    const c = await run('kconsume', [topic, '--from-beginning', '-e', '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ key: 'id-7', value: 'from kcat', headers: { source: 'kcat' } });
  });

  it('kconsume --raw prints what kcat writes across many fetches, byte for byte, each partition in order (fetch and write buffers reused)', async () => {
    const topic = await freshTopic('raw-many', 3);
    // 3 x 6 MB: several fetches of up to 1 MiB a partition, more than the pool keeps, each record told apart by its text.
    const lines = (p: number) => Array.from({ length: 20_000 }, (_, i) => `p${p}-${String(i).padStart(6, '0')}-${(i * 7919 + p).toString(36).repeat(40)}`);
    for (const p of [0, 1, 2]) expect(kcat(['-P', '-t', topic, '-p', String(p)], lines(p).join('\n') + '\n').code).toBe(0);
    const c = await run('kconsume', [topic, '--from-beginning', '-e', '--raw'], { timeoutMs: 60_000 });
    expect(c.code).toBe(0);
    const printed = c.stdout.split('\n');
    expect(printed.pop()).toBe('');
    expect(printed).toHaveLength(60_000);
    for (const p of [0, 1, 2]) expect(printed.filter((l) => l.startsWith(`p${p}-`))).toEqual(lines(p));
  });

  it('same key, same partition as the Java client (murmur2), which kcat can be told to use', async () => {
    const topic = await freshTopic('murmur', 3);
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const ours = new Map<string, number>();
    for (const key of keys) {
      const r = await run('kproduce', [topic, '-k', key, 'v', '--json']);
      ours.set(key, JSON.parse(r.stdout).partition);
    }
    const input = keys.map((k) => `${k}:from-kcat`).join('\n') + '\n';
    expect(kcat(['-P', '-t', topic, '-K', ':', '-X', 'partitioner=murmur2_random'], input).code).toBe(0);
    const consumed = kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k %p %s\\n']).stdout.trim().split('\n');
    for (const line of consumed.filter((l) => l.endsWith('from-kcat'))) {
      const [key, partition] = line.split(' ');
      expect(Number(partition)).toBe(ours.get(key as string));
    }
    expect(consumed.filter((l) => l.endsWith('from-kcat'))).toHaveLength(keys.length);
  });
});
