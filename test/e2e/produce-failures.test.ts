// Failures kproduce must name as what they are (issue 12): which record the broker refused and why, which broker could
// not be reached and how (refused, DNS), and Ctrl-C/SIGTERM honoured while connecting and while stdin is idle.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, start } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { eventually, freshTopic } from '../support/kafka.js';

const lines = (s: string) => s.split('\n').filter(Boolean);
/** Over the broker's message.max.bytes (1 MiB by default): the broker refuses any batch holding it. */
const BIG = 'x'.repeat(2 * 1024 * 1024);

describe('a record over the broker\'s size limit, among records that fit', () => {
  // --linger holds the batch open until the input ends, so small1 and the big record travel in one request.
  it.each([
    { what: 'one partition (the same batch)', partitions: 1 },
    { what: 'three partitions (the same request)', partitions: 3 },
  ])('$what: each record gets its own report; only the big one fails, named by its line; kcat reads the others', async ({ partitions }) => {
    const topic = await freshTopic('too-large', partitions);
    // With -K, keys k1, k2, k3 hash (murmur2) to three different partitions of three.
    const input = `k1|small1\nk2|${BIG}\nk3|small2\n`;
    const r = await run('kproduce', [topic, '-K', '|', '--report', 'each', '--json', '--linger', '10000'], { input, timeoutMs: 90_000 });
    const reports = lines(r.stdout).map((l) => JSON.parse(l) as { partition: number; offset: number | null; key: string; record?: number; error?: string });
    expect(reports.map((x) => x.key)).toEqual(['k1', 'k2', 'k3']);
    expect(reports[0]).toMatchObject({ key: 'k1', offset: expect.any(Number) });
    expect(reports[0]!.error).toBeUndefined();
    expect(reports[1]).toMatchObject({ key: 'k2', offset: null, record: 2, error: expect.stringMatching(/^line 2, 2\.1 MB: the broker refused a record as too large$/) });
    expect(reports[1]!.partition).toBeGreaterThanOrEqual(0);
    expect(reports[2]).toMatchObject({ key: 'k3', offset: expect.any(Number) });
    expect(reports[2]!.error).toBeUndefined();
    // The exit code and the summary count the one record that failed, and the error names it.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kproduce: 2 messages \(16 B\) acknowledged in \d+ ms, \d+ msg\/s, 1 not acknowledged\n/);
    expect(r.stderr).toMatch(/^error: 1 of 3 messages were not acknowledged: line 2 \(key k2\), 2\.1 MB: the broker refused a record as too large\nhint: [^\n]+\n$/m);
    // What the topic holds, read by kcat: exactly the two small records, where their reports said.
    const stored = lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%p %o %k %s\\n']).stdout).sort();
    expect(stored).toEqual([`${reports[0]!.partition} ${reports[0]!.offset} k1 small1`, `${reports[2]!.partition} ${reports[2]!.offset} k3 small2`].sort());
  });

  it('bulk lines without per-record reports (sent packed, no object per record) fail only the big one, named by its line', async () => {
    const topic = await freshTopic('too-large-packed', 3);
    const r = await run('kproduce', [topic, '--linger', '10000'], { input: `small1\nsmall2\n${BIG}\nsmall3\n`, timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kproduce: 3 messages \(18 B\) acknowledged in \d+ ms, \d+ msg\/s, 1 not acknowledged\n/);
    expect(r.stderr).toMatch(/^error: 1 of 4 messages were not acknowledged: line 3, 2\.1 MB: the broker refused a record as too large\nhint: [^\n]+\n$/m);
    expect(lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout).sort()).toEqual(['small1', 'small2', 'small3']);
  });

  it('the human report names the line, and no stored record is reported as refused', async () => {
    const topic = await freshTopic('too-large-human', 1);
    const r = await run('kproduce', [topic, '--report', 'each', '--linger', '10000'], { input: `small1\n${BIG}\n\nsmall2\n`, timeoutMs: 90_000 });
    const out = lines(r.stdout);
    expect(out).toHaveLength(4); // small1, the big line, an empty line (a record too), small2
    expect(out[0]).toMatch(new RegExp(`^✔ ${topic}\\[0\\]@\\d+ \\d+ ms$`));
    expect(out[1]).toBe(`✖ ${topic}[0]: line 2, 2.1 MB: the broker refused a record as too large`);
    expect(out[2]).toMatch(/^✔ /);
    expect(out[3]).toMatch(/^✔ /);
    expect(r.code).toBe(1);
    expect(lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout)).toEqual(['small1', 'small2']);
  });
});

describe('connection failures say what failed', () => {
  it('a refused connection says "connection refused", names the address, and claims no timeout it did not wait', async () => {
    const port = await freePort();
    const r = await run('kproduce', ['t', 'x', '-b', `127.0.0.1:${port}`, '--timeout', '60000']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^error: could not reach Kafka at 127\\.0\\.0\\.1:${port}: connection refused \\(nothing listens on that port\\)\\nhint: is a broker running there\\?`));
    expect(r.stderr).not.toMatch(/within \d+ ms/);
  });

  it('a host name that does not resolve says DNS', async () => {
    const r = await run('kproduce', ['t', 'x', '-b', 'no-such-host.invalid:9092']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: could not reach Kafka at no-such-host\.invalid:9092: the host name "no-such-host\.invalid" does not resolve \(DNS: (ENOTFOUND|EAI_AGAIN)\)\nhint: check the host name/);
  });
});

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s before anything is sent', (signal, code) => {
  let silent: Server;
  let address: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A listener that accepts connections and never answers: a broker that hangs.
    silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(silent.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it(`while connecting to a broker that never answers: exit ${code} at once, not after --timeout`, async () => {
    const p = start('kproduce', ['t', 'x', '-b', address, '--timeout', '60000'], { timeoutMs: 50_000 });
    await eventually(() => (sockets.length > 0 ? true : undefined), 30_000, 'kproduce to connect');
    const sentAt = Date.now();
    p.child.kill(signal);
    const r = await p.done;
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('kproduce: interrupted\n');
    expect(Date.now() - sentAt).toBeLessThan(30_000); // the timeout was 60 s; the test's own deadline kills at 50 s
  });

  it(`while connecting, with stdin idle: exit ${code}, without waiting for the input's end`, async () => {
    const p = start('kproduce', ['t', '-b', address, '--timeout', '60000'], { timeoutMs: 50_000 });
    const before = sockets.length;
    await eventually(() => (sockets.length > before ? true : undefined), 30_000, 'kproduce to connect');
    p.child.kill(signal);
    const r = await p.done; // stdin is never written to nor closed
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('kproduce: interrupted\n');
  });

  it(`connected, with stdin idle (sleep 20 | kproduce T): exit ${code} without waiting for EOF; what came before is stored`, async () => {
    const topic = await freshTopic(`idle-${signal.toLowerCase()}`, 1);
    const p = start('kproduce', [topic, '--report', 'each', '--json'], { timeoutMs: 50_000 });
    p.child.stdin.write('first\n');
    await eventually(() => (lines(p.stdout()).length > 0 ? true : undefined), 30_000, 'the first ack');
    p.child.kill(signal);
    const r = await p.done; // stdin stays open
    expect(r.code).toBe(code);
    expect(JSON.parse(lines(r.stdout)[0]!)).toMatchObject({ topic, partition: 0, offset: 0 });
    expect(r.stderr).toMatch(/kproduce: 1 messages .* interrupted\nkproduce: interrupted\n$/);
    expect(lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout)).toEqual(['first']);
  });
});

/** A port nothing listens on: bound once, then closed. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
