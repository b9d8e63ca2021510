// kconsume and kgroups as a user runs them (issue 12): a group resumes exactly where it stood (lag n-k after -n k, checked
// by kgroups and by kcat, an independent client); a topic deleted under kconsume and a closed pipe end as what they are.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, run, start } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { eventually, freshTopic, uniqueName } from '../support/kafka.js';

const brokers = () => process.env.KAFKA_BROKERS as string;
const kgroups = (args: string[]) => run('kgroups', args);
const json = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** A topic with `per` records on each of `count` partitions, values p<partition>-<i>. */
async function filled(prefix: string, count: number, per: number): Promise<string> {
  const topic = await freshTopic(prefix, count);
  for (let p = 0; p < count; p += 1) {
    const r = await run('kproduce', [topic, '-p', String(p), ...Array.from({ length: per }, (_, i) => `p${p}-${i}`)]);
    expect(r.code).toBe(0);
  }
  return topic;
}

const everyOffset = (count: number, per: number) => Array.from({ length: count }, (_, p) => Array.from({ length: per }, (_, o) => `${p}@${o}`)).flat().sort();

describe('a group resumes exactly where it stood', () => {
  it.each([3, 6])('%i partitions: after -n k, lag n-k (kgroups) and kcat resumes from the committed offsets; a record produced while the group is stopped is read', async (count) => {
    const per = 6;
    // Inside the second partition's batch: records fetched but not printed must stay uncommitted.
    const k = per + 3;
    const topic = await filled('e2e-resume', count, per);
    for (const reader of ['kconsume', 'kcat'] as const) {
      // The kconsume round added one record per partition.
      const before = reader === 'kconsume' ? per : per + 1;
      const n = count * before;
      const group = uniqueName(`g-${reader}`);
      const first = await run('kconsume', [topic, '-g', group, '--from-beginning', '-n', String(k), '--json']);
      expect(first.code).toBe(0);
      const printed = json(first.stdout);
      expect(printed).toHaveLength(k);
      const next = new Map<number, number>();
      for (const r of printed) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));

      const d = await kgroups(['describe', group, '--json']);
      expect(d.code).toBe(0);
      const described = JSON.parse(d.stdout);
      expect(described.totalLag, d.stdout + first.stderr).toBe(n - k);
      // One past the last record printed on each partition; its log start (0) where nothing was printed; all committed.
      expect(described.partitions.map((p: { partition: number; committed: number; notCommitted: boolean }) => [p.partition, p.committed, p.notCommitted])).toEqual(Array.from({ length: count }, (_, p) => [p, next.get(p) ?? 0, false]));

      // While the group is stopped, one more record on every partition.
      for (let p = 0; p < count; p += 1) expect((await run('kproduce', [topic, '-p', String(p), `p${p}-later-${reader}`])).code).toBe(0);
      const total = before + 1;
      let rest: string[];
      if (reader === 'kconsume') {
        const again = await run('kconsume', [topic, '-g', group, '-e', '--json']);
        expect(again.code).toBe(0);
        rest = json(again.stdout).map((r) => `${r.partition}@${r.offset}`);
      } else {
        // auto.offset.reset=latest: a partition without a committed offset would be skipped.
        const again = kcat(['-G', group, '-e', '-q', '-X', 'auto.offset.reset=latest', '-f', '%p@%o\\n', topic]);
        expect(again.code).toBe(0);
        rest = again.stdout.trim().split('\n');
      }
      // Nothing skipped, nothing twice.
      expect([...printed.map((r) => `${r.partition}@${r.offset}`), ...rest].sort()).toEqual(everyOffset(count, total));
      expect(JSON.parse((await kgroups(['describe', group, '--json'])).stdout).totalLag).toBe(0);
    }
  });
});

describe('failures reported as what they are', () => {
  it('a topic deleted under a running kconsume: a clear error, exit 1, no Node warning', async () => {
    const topic = await filled('e2e-deleted', 3, 2);
    // Killed at 75 s (a hang fails the test with signal SIGKILL, not a timeout); it stops within seconds.
    const c = start('kconsume', [topic, '-g', uniqueName('g'), '--from-beginning'], { timeoutMs: 75_000 });
    await eventually(() => (c.stdout().split('\n').filter(Boolean).length === 6 ? true : undefined), 60_000, 'the six records');
    expect((await run('ktopics', ['delete', topic, '--yes'])).code).toBe(0);
    const r = await c.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`\\nerror: topic "${topic}" was deleted while it was being read\\nhint: [^\\n]+\\n$`));
    expect(r.stderr).not.toMatch(/Warning|MaxListeners/);
  });

  it('kconsume | head -1: exit 0, the member has left the group at exit (a reset is accepted at once), a throwaway group is deleted', async () => {
    const topic = await filled('e2e-head', 3, 2_000);
    const group = uniqueName('g');
    const named = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin('kconsume')}" ${topic} -g ${group} --from-beginning | head -1`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KAFKA_BROKERS: brokers() } });
    expect(named.status).toBe(0);
    expect(named.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    // Asked once, right after exit: no member is left behind to time out.
    const d = await kgroups(['describe', group, '--json']);
    expect(JSON.parse(d.stdout)).toMatchObject({ group, state: 'Empty', members: [] });
    expect((await kgroups(['reset', group, '-t', topic, '--to-earliest'])).code).toBe(0);

    const throwaway = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin('kconsume')}" ${topic} --from-beginning | head -1`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KAFKA_BROKERS: brokers(), NO_COLOR: '1' } });
    expect(throwaway.status).toBe(0);
    const name = /group \(throwaway\) (kconsume-[0-9a-f]+)/.exec(throwaway.stderr)?.[1];
    expect(name).toBeDefined();
    const gone = await kgroups(['describe', name!, '--json']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: group "kconsume-[0-9a-f]+" does not exist\n/);
  });
});
