// kproduce's input as users give it: --json-input lines that would silently do the wrong thing, and messages typed on
// a real terminal (a pty from util-linux `script`), checked with kcat, an independent client.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, run } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { eventually, freshTopic } from '../support/kafka.js';

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

describe('kproduce on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kproduce-tty-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  /** Runs kproduce with its stdin on a pty (`script`), stdout and stderr in files; what is written to it is typed. */
  function onTerminal(name: string, args: string[]) {
    const out = join(dir, `${name}.out`);
    const err = join(dir, `${name}.err`);
    const command = [process.execPath, bin('kproduce'), ...args].map(quote).join(' ') + ` >${quote(out)} 2>${quote(err)}`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'ignore', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    let exited = false;
    const code = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        exited = true;
        resolve(c);
      });
    });
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    /** Polls for what it printed, failing at once if it exited first. */
    const until = (what: string, ok: () => boolean) =>
      eventually(() => {
        if (ok()) return true;
        if (exited) throw new Error(`kproduce exited before ${what}; stderr: ${read(err)}`);
        return undefined;
      }, 60_000, what);
    return { type: (text: string) => child.stdin.write(text), stdout: () => read(out), stderr: () => read(err), code, until, end: () => child.stdin.end() };
  }

  it('`kproduce T -` reads typed lines: a prompt on stderr, each line sent as typed, Ctrl-D ends', async () => {
    const topic = await freshTopic('tty');
    const t = onTerminal('dash', [topic, '-']);
    await t.until('the prompt', () => t.stderr().includes('Ctrl-D'));
    t.type('first\n');
    // Sent before the input ends: the report comes while the terminal is still open.
    await t.until('the first report', () => lines(t.stdout()).length === 1);
    t.type('second\n');
    await t.until('the second report', () => lines(t.stdout()).length === 2);
    t.type('\x04');
    expect(await t.code).toBe(0);
    t.end();
    expect(lines(t.stdout())).toEqual([expect.stringMatching(new RegExp(`^✔ ${topic}\\[0\\]@0 \\d+ ms$`)), expect.stringMatching(new RegExp(`^✔ ${topic}\\[0\\]@1 \\d+ ms$`))]);
    expect(t.stderr()).toMatch(new RegExp(`^kproduce: type messages for ${topic}, one per line; Ctrl-D to end\\nkproduce: 2 messages \\(11 B\\) acknowledged in \\d+ ms, \\d+ msg/s\\n$`));
    expect(stored(topic)).toEqual(['0 =first', '0 =second']);
  });

  it('`kproduce T` with no message on a terminal still refuses, exit 2, and names `-`', async () => {
    const topic = await freshTopic('tty-bare');
    const t = onTerminal('bare', [topic]);
    expect(await t.code).toBe(2);
    t.end();
    expect(t.stderr()).toBe(
      `error: no message given and stdin is a terminal\nhint: pass messages as arguments (kproduce ${topic} hello), pipe lines in (seq 10 | kproduce ${topic}), read a file with -f, or type them: kproduce ${topic} -\n`,
    );
    expect(stored(topic)).toEqual([]);
  });
});

// Lines from a regular file are read into chunks used again once their lines are sent (lib/produce/chunks.ts): 14 MB is
// more chunks than are held at once, so chunks are read into again while other batches are still in flight.
describe('kproduce from a regular file (pooled chunks)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kproduce-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const values = Array.from({ length: 40_000 }, (_, i) => `f${String(i).padStart(6, '0')}-${(i * 104_729).toString(36).repeat(50)}`);
  const file = join(dir, 'lines.txt');
  writeFileSync(file, values.join('\n') + '\n');
  /** What the topic holds, by partition in offset order (kcat reads it; the output is larger than spawnSync's default buffer). */
  const byPartition = (topic: string) => {
    const r = spawnSync('kcat', ['-b', process.env.KAFKA_BROKERS as string, '-C', '-t', topic, '-e', '-q', '-f', '%p %s\\n'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
    const parts = new Map<string, string[]>();
    for (const l of lines(r.stdout)) {
      const [p, v] = l.split(' ') as [string, string];
      parts.set(p, [...(parts.get(p) ?? []), v]);
    }
    return parts;
  };
  /** Every line stored once, and each partition's lines in input order. */
  const expectAllInOrder = (topic: string, expected: string[]) => {
    const parts = byPartition(topic);
    expect([...parts.values()].flat().sort()).toEqual([...expected].sort());
    for (const got of parts.values()) expect(got).toEqual([...got].sort()); // values sort in input order
  };

  it('`kproduce T < file` and `kproduce T -f file`: every line stored once, byte for byte, each partition in input order', async () => {
    for (const how of ['stdin', '-f'] as const) {
      const topic = await freshTopic(`pooled-${how === '-f' ? 'f' : 'stdin'}`, 3);
      const fd = openSync(file, 'r');
      const child = spawn(process.execPath, [bin('kproduce'), topic, ...(how === '-f' ? ['-f', file] : [])], { stdio: [how === 'stdin' ? fd : 'ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      closeSync(fd);
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toMatch(/^kproduce: 40000 messages \(/);
      expect(code).toBe(0);
      expectAllInOrder(topic, values);
    }
  }, 120_000);

  it('a line over the broker\'s limit in the middle of the file: the batch holding it goes again in halves from its chunks, the others are stored once, in order', async () => {
    const topic = await freshTopic('pooled-too-large', 3);
    const big = join(dir, 'big.txt');
    writeFileSync(big, [...values.slice(0, 20_000), 'x'.repeat(2 * 1024 * 1024), ...values.slice(20_000)].join('\n') + '\n');
    const r = await run('kproduce', [topic, '-f', big], { timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/^error: 1 of 40001 messages were not acknowledged: line 20001, 2\.1 MB: the broker refused a record as too large$/m);
    expect(r.code).toBe(1);
    expectAllInOrder(topic, values);
  }, 120_000);
});
