// The built bins' input and output modes, checked against kcat.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { freshTopic } from '../support/kafka.js';

const lines = (s: string) => s.split('\n').filter(Boolean);

describe('kproduce input modes, read back by kcat', () => {
  it('-f FILE -K SEP -H name=value: kcat sees the keys, values and headers', async () => {
    const topic = await freshTopic('file-k-h');
    const file = join(mkdtempSync(join(tmpdir(), 'kproduce-')), 'orders.txt');
    writeFileSync(file, 'user-1:first\r\nuser-2:second\r\n');
    const p = await run('kproduce', [topic, '-f', file, '-K', ':', '-H', 'source=cli', '-H', 'v=1']);
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('');
    expect(p.stderr).toMatch(/^kproduce: 2 messages/);
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k|%s|%h\\n']).stdout).toBe('user-1|first|source=cli,v=1\nuser-2|second|source=cli,v=1\n');
  });

  it('-D splits stdin at another delimiter', async () => {
    const topic = await freshTopic('delim');
    expect((await run('kproduce', [topic, '-D', '\\0'], { input: Buffer.from('multi\nline\0second\0') })).code).toBe(0);
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-f', '[%s]']).stdout).toBe('[multi\nline][second]');
  });

  it('--tombstone with -k sends one null value, which kcat shows as NULL', async () => {
    const topic = await freshTopic('tomb');
    const p = await run('kproduce', [topic, '-k', 'user-1', '--tombstone']);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^✔ .*@0 key=user-1 \d+ ms\n$/);
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-Z', '-f', '%k=%s|%S\\n']).stdout).toBe('user-1=NULL|-1\n');
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('-z %s: kcat reads it, and kconsume reads what kcat compresses', async (codec) => {
    const topic = await freshTopic(`z-${codec}`);
    const values = Array.from({ length: 50 }, (_, i) => `${codec} record ${i} ${'x'.repeat(40)}`);
    expect((await run('kproduce', [topic, '-z', codec], { input: values.join('\n') })).code).toBe(0);
    expect(lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout)).toEqual(values);
    const back = await freshTopic(`z-${codec}-kcat`);
    expect(kcat(['-P', '-t', back, '-z', codec], values.join('\n') + '\n').code).toBe(0);
    const c = await run('kconsume', [back, '--from-beginning', '-e', '--raw']);
    expect(c.code).toBe(0);
    expect(lines(c.stdout)).toEqual(values);
  });
});

describe('kconsume output modes', () => {
  it('-F prints exactly what kcat -f prints for the same template', async () => {
    const topic = await freshTopic('fmt', 2);
    expect(kcat(['-P', '-t', topic, '-K', ':', '-H', 'h=1'], 'a:one\nb:two\nc:three\n').code).toBe(0);
    const template = '%t %p %o %k %s %T %h %K %S\\n';
    const ours = await run('kconsume', [topic, '--from-beginning', '-e', '-F', template]);
    expect(ours.code).toBe(0);
    const theirs = kcat(['-C', '-t', topic, '-e', '-q', '-f', template]);
    expect(lines(ours.stdout).sort()).toEqual(lines(theirs.stdout).sort());
  });

  it('--verbose shows the timestamp and headers; --raw only values', async () => {
    const topic = await freshTopic('verbose');
    expect(kcat(['-P', '-t', topic, '-K', ':', '-H', 'trace=abc'], 'k:v\n').code).toBe(0);
    const v = await run('kconsume', [topic, '--from-beginning', '-e', '--verbose']);
    expect(v.stdout).toMatch(new RegExp(`^${topic}\\[0\\]@0 \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z key=k trace=abc v\\n$`));
    expect((await run('kconsume', [topic, '--from-beginning', '-e', '--raw'])).stdout).toBe('v\n');
  });

  it('copies a topic through a pipe: kconsume --json | kproduce --json-input', async () => {
    const src = await freshTopic('pipe-src', 3);
    const dst = await freshTopic('pipe-dst', 3);
    expect(kcat(['-P', '-t', src, '-K', ':', '-H', 'h=x'], 'k1:a\nk2:b\nk3:c\nk1:d\n').code).toBe(0);
    const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS };
    const pipe = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin('kconsume')}" ${src} --from-beginning -e --json | "${process.execPath}" "${bin('kproduce')}" ${dst} --json-input`], { encoding: 'utf8', env, timeout: 60_000 });
    expect(pipe.status).toBe(0);
    const show = (t: string) => lines(kcat(['-C', '-t', t, '-e', '-q', '-f', '%p %o %k %s %T %h\\n']).stdout).sort();
    expect(show(dst)).toEqual(show(src));
  });
});

// Ctrl-C and SIGTERM on the real processes: test/failure/signals.test.ts.
