// Each bin run once on the Node under test (CI runs the suite on every Node line it supports): stderr holds only the
// lines our code writes, never a warning from Node or a library (kafkajs's TimeoutNegativeWarning on Node 23+ was one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type BinName } from '../support/bins.js';
import { freshTopic, uniqueName } from '../support/kafka.js';

const lines = (s: string) => s.split('\n').filter(Boolean);
const runDir = mkdtempSync(join(tmpdir(), 'kstack-stderr-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe(`stderr on Node ${process.version}`, () => {
  it('the Node under test is the one CI asked for (KTOOL_NODE_VERSION), so the bins below run on it', () => {
    const wanted = process.env.KTOOL_NODE_VERSION;
    expect(process.version).toBe(wanted ? `v${wanted.replace(/^v/, '')}` : process.version);
  });

  it('kproduce, kconsume, ktopics, kgroups and kstack status write only their own lines to stderr', async () => {
    const topic = await freshTopic('stderr', 3);
    const group = uniqueName('g');
    const runs: Array<{ bin: BinName; args: string[]; input?: string; stderr: RegExp[] }> = [
      { bin: 'kproduce', args: [topic], input: 'a\nb\nc\n', stderr: [/^kproduce: 3 messages \(3 B\) acknowledged in \d+ ms, \d+ msg\/s$/] },
      { bin: 'kconsume', args: [topic, '-g', group, '--from-beginning', '-e'], stderr: [new RegExp(`^group ${group}: assigned ${topic}\\[0,1,2\\]$`)] },
      { bin: 'ktopics', args: ['describe', topic], stderr: [] },
      { bin: 'kgroups', args: ['describe', group], stderr: [] },
      { bin: 'kstack', args: ['status'], stderr: [] },
      // A usage error: our two lines, no stack trace.
      { bin: 'kproduce', args: ['bad/topic'], input: '', stderr: [/^error: "bad\/topic" is not a valid topic name$/, /^hint: /] },
    ];
    for (const r of runs) {
      const done = await run(r.bin, r.args, { input: r.input, env: { KSTACK_RUN_DIR: runDir }, timeoutMs: 60_000 });
      const got = lines(done.stderr);
      // One assertion per run that names it and shows the whole stderr when it fails.
      expect({ run: `${r.bin} ${r.args.join(' ')}`, stderr: got, ours: got.length === r.stderr.length && got.every((l, i) => r.stderr[i]!.test(l)) }).toEqual({ run: `${r.bin} ${r.args.join(' ')}`, stderr: got, ours: true });
      expect(done.stderr).not.toMatch(/\(node:\d+\)|Warning|^\s+at /m);
    }
  });
});
