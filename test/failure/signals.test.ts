// Ctrl-C (SIGINT) and SIGTERM on running kproduce and kconsume: acknowledged and committed work is kept, the rest is
// reported; exit 130 after SIGINT, 143 after SIGTERM (README "Exit codes"). Runs on the shared test broker.
import { describe, expect, it } from 'vitest';
import { run, start } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { connection, eventually, freshTopic, uniqueName } from '../support/kafka.js';
import { topicOffsets } from '../../lib/kafka/index.js';

const lines = (s: string) => s.split('\n').filter(Boolean);

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s on the real processes', (signal, code) => {
  it(`kproduce: stops reading stdin, waits for the acks, reports, exits ${code}; every acknowledged line is stored once`, async () => {
    const topic = await freshTopic(`${signal.toLowerCase()}-produce`, 3);
    const p = start('kproduce', [topic]);
    let n = 0;
    const feed = setInterval(() => {
      if (p.child.stdin.writable) p.child.stdin.write(Array.from({ length: 100 }, () => `line-${(n += 1)}`).join('\n') + '\n');
    }, 5);
    p.child.stdin.on('error', () => {});
    await eventually(async () => ((await topicOffsets(connection(), topic)).reduce((s, x) => s + Number(x.high), 0) >= 2_000 ? true : undefined), 30_000, '2000 records');
    p.child.kill(signal);
    const r = await p.done;
    clearInterval(feed);
    expect(r.code).toBe(code);
    const acked = Number(/kproduce: (\d+) messages .* interrupted/.exec(r.stderr)?.[1]);
    expect(acked).toBeGreaterThanOrEqual(2_000);
    expect(r.stderr).toMatch(/kproduce: interrupted\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const stored = lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout);
    expect(stored).toHaveLength(acked);
    expect(new Set(stored).size).toBe(stored.length);
  });

  it(`kconsume: commits what was printed, exits ${code}; the group resumes after it with nothing twice`, async () => {
    const topic = await freshTopic(`${signal.toLowerCase()}-consume`, 3);
    const all = Array.from({ length: 5_000 }, (_, i) => `r${i}`);
    expect((await run('kproduce', [topic], { input: all.join('\n') })).code).toBe(0);
    const group = uniqueName('g');
    const c = start('kconsume', [topic, '-g', group, '--from-beginning', '--raw']);
    await eventually(() => (lines(c.stdout()).length >= 200 ? true : undefined), 30_000, 'some records');
    c.child.kill(signal);
    const first = await c.done;
    expect(first.code).toBe(code);
    expect(first.stderr).toMatch(/kconsume: interrupted\n$/);
    // --from-beginning for partitions the first run never reached (no committed offset there).
    const rest = await run('kconsume', [topic, '-g', group, '--from-beginning', '-e', '--raw']);
    expect(rest.code).toBe(0);
    expect([...lines(first.stdout), ...lines(rest.stdout)].sort()).toEqual([...all].sort());
  });
});
