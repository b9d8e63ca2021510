// Issue 12 on the built bins and real brokers: `kstack up` over a crashed stack brings back exactly the dead broker, on its
// data (topics and committed group offsets survive, seen by our tools and by kcat); `stop`/`start --broker N` show
// replication at work (leader moves, ISR shrinks, the broker rejoins); `up` without flags acts on the recorded stack.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { isOurs } from '../../lib/stack/process.js';
import { run, type BinName } from '../support/bins.js';
import { eventually, uniqueName } from '../support/kafka.js';
import { runLocalStackTests } from '../support/java.js';

/** How long one `kstack up` (or start) may take on a busy machine; each test's budget is a few of them. */
const UP_MS = 180_000;
let runDir: string | undefined;
afterEach(async () => {
  if (!runDir) return;
  await run('kstack', ['down'], { env: { KSTACK_RUN_DIR: runDir }, timeoutMs: 90_000 });
  rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
});

interface Proc {
  role: string;
  id: number;
  pid: number;
  running: boolean;
  state: 'up' | 'stopped' | 'down';
}
interface Partition {
  partition: number;
  leader: number;
  isr: number[];
}

/** A private run directory and the bins bound to it; clients get `-b` of the stack. */
function harness() {
  runDir = mkdtempSync(join(tmpdir(), 'kstack-recover-'));
  const env = { KSTACK_RUN_DIR: runDir };
  let bootstrap = '';
  const bin = async (name: BinName, args: string[], timeoutMs = 60_000) => run(name, args, { env, timeoutMs });
  const kstack = (args: string[], timeoutMs = 60_000) => bin('kstack', args, timeoutMs);
  const ok = async (name: BinName, args: string[], timeoutMs?: number) => {
    const r = await bin(name, name === 'kstack' ? args : [...args, '-b', bootstrap], timeoutMs);
    expect(r.code, `${name} ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const h = {
    env,
    kstack,
    ok,
    setBootstrap: (b: string) => (bootstrap = b),
    bootstrap: () => bootstrap,
    lastLine: (stdout: string) => stdout.trim().split('\n').at(-1),
    async status(): Promise<{ running: boolean; processes: Proc[] }> {
      return JSON.parse((await ok('kstack', ['status', '--json'])).stdout);
    },
    async pids(): Promise<Record<number, number>> {
      return Object.fromEntries((await h.status()).processes.map((p) => [p.id, p.pid]));
    },
    async partitions(topic: string): Promise<Partition[]> {
      return JSON.parse((await ok('ktopics', ['describe', topic, '--json'])).stdout).partitions;
    },
    async committed(group: string): Promise<number> {
      const g = JSON.parse((await ok('kgroups', ['describe', group, '--json'])).stdout);
      return g.partitions.reduce((n: number, p: { committed: number | null }) => n + (p.committed ?? 0), 0);
    },
    /** kcat's view of the cluster: brokers and the topic's partitions. */
    kcatMetadata(topic: string): { brokers: Array<{ id: number }>; topics: Array<{ topic: string; partitions: unknown[]; error?: string }> } {
      const r = spawnSync('kcat', ['-b', bootstrap, '-L', '-J', '-t', topic], { encoding: 'utf8', timeout: 30_000 });
      if (r.error) throw new Error(`kcat could not run (${r.error.message}); install it: apt-get install kcat`);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    },
    /** What kcat reads as a member of `group` from its committed offsets (earliest where none is committed). */
    kcatGroup(group: string, topic: string): string[] {
      const r = spawnSync('kcat', ['-b', bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\\n', topic], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean);
    },
    async killHard(pid: number): Promise<void> {
      process.kill(pid, 'SIGKILL');
      await eventually(() => (isOurs(pid, runDir!) ? undefined : true), 30_000, `pid ${pid} to exit`);
    },
  };
  return h;
}

describe.runIf(runLocalStackTests).sequential('kstack recovers a crashed stack on its data (issue 12)', () => {
  it('one broker: up without flags after --port P acts on it; kill -9, then up restarts it with topic and group offsets; --fresh removes them', async () => {
    const h = harness();
    const port = await findFreeBlock(2, '127.0.0.1');
    const first = await h.ok('kstack', ['up', '--port', String(port)], UP_MS);
    h.setBootstrap(`127.0.0.1:${port}`);
    expect(h.lastLine(first.stdout)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);

    // No flags: the recorded stack, not the default 9092.
    const again = await h.ok('kstack', ['up']);
    expect(again.stderr).toMatch(/already running: one broker/);
    expect(h.lastLine(again.stdout)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);
    const other = await h.kstack(['up', '--port', String(port + 10)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(new RegExp(`error: a different stack already runs .*asked for --port ${port + 10} \\(recorded: ${port}\\)`));
    expect(other.stderr).toMatch(/hint: .*kstack down.*--fresh/);

    const topic = uniqueName('recover1');
    await h.ok('ktopics', ['create', topic, '-P', '2', '-r', '1']);
    await h.ok('kproduce', [topic, 'a', 'b', 'c']);
    await h.ok('kconsume', [topic, '-g', 'g1', '--from-beginning', '-e']);
    expect(await h.committed('g1')).toBe(3);

    const [before] = (await h.status()).processes;
    await h.killHard(before!.pid);
    const crashed = await h.status();
    expect(crashed.running).toBe(false);
    expect(crashed.processes[0]).toMatchObject({ id: 1, running: false, state: 'down' });
    expect((await h.ok('kstack', ['status'])).stdout).toMatch(/degraded: .*\n(.*\n)*broker +1 .* down /);

    const up = await h.ok('kstack', ['up'], UP_MS);
    expect(up.stderr).toMatch(/restarted broker 1 \(was down\) on its data/);
    expect(up.stderr).not.toMatch(/started one broker/);
    expect(h.lastLine(up.stdout)).toBe(`KAFKA_BROKERS=127.0.0.1:${port}`);
    const after = await h.status();
    expect(after.running).toBe(true);
    expect(after.processes[0]!.pid).not.toBe(before!.pid);

    expect(JSON.parse(`[${(await h.ok('ktopics', ['list', '--json'])).stdout.trim().split('\n').join(',')}]`).map((t: { name: string }) => t.name)).toContain(topic);
    expect((await h.partitions(topic)).length).toBe(2);
    const meta = h.kcatMetadata(topic);
    expect(meta.topics).toEqual([expect.objectContaining({ topic, partitions: expect.any(Array) })]);
    expect(meta.topics[0]!.error).toBeUndefined();
    expect(meta.topics[0]!.partitions).toHaveLength(2);
    expect(await h.committed('g1')).toBe(3);
    await h.ok('kproduce', [topic, 'd']);
    expect(h.kcatGroup('g1', topic)).toEqual(['d']); // from the offsets g1 committed before the crash

    const fresh = await h.ok('kstack', ['up', '--fresh', '--port', String(port)], UP_MS);
    expect(fresh.stderr).toMatch(/--fresh: removed the recorded stack and its data/);
    expect((await h.ok('ktopics', ['list', '--json'])).stdout).not.toContain(topic);
  }, 6 * UP_MS);

  it('three brokers: kill -9 one, up restarts only it (same pids for the others); stop/start --broker moves the leader, shrinks the ISR and rejoins it', async () => {
    const h = harness();
    const port = await findFreeBlock(6, '127.0.0.1');
    await h.ok('kstack', ['up', '--brokers', '3', '--port', String(port)], UP_MS);
    h.setBootstrap(`127.0.0.1:${port},127.0.0.1:${port + 1},127.0.0.1:${port + 2}`);
    const topic = uniqueName('recover3');
    await h.ok('ktopics', ['create', topic, '-P', '3', '-r', '3']);
    await h.ok('kproduce', [topic, 'a', 'b', 'c']);
    await h.ok('kconsume', [topic, '-g', 'g3', '--from-beginning', '-e']);
    expect(await h.committed('g3')).toBe(3);
    const before = await h.pids();

    await h.killHard(before[2]!);
    const crashed = await h.status();
    expect(crashed.processes.map((p) => [p.id, p.state])).toEqual([
      [1, 'up'],
      [2, 'down'],
      [3, 'up'],
    ]);

    // The same flags as the recorded stack are accepted and act on it.
    const up = await h.ok('kstack', ['up', '--brokers', '3', '--port', String(port), '--json'], UP_MS);
    expect(up.stderr).toMatch(/restarted broker 2 \(was down\) on its data/);
    const upJson = JSON.parse(up.stdout.trim().split('\n').at(-2)!);
    const after = await h.pids();
    expect(upJson).toMatchObject({ alreadyRunning: false, removedData: false, restarted: [{ role: 'broker', id: 2, was: 'down', pid: after[2] }] });
    expect(after[1]).toBe(before[1]);
    expect(after[3]).toBe(before[3]);
    expect(after[2]).not.toBe(before[2]);
    expect((await h.partitions(topic)).length).toBe(3);
    expect(await h.committed('g3')).toBe(3);
    expect(h.kcatMetadata(topic).brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);

    // The replication walkthrough: stop the leader of partition 0.
    const all = (ps: Partition[], ok: (p: Partition) => boolean) => (ps.length === 3 && ps.every(ok) ? ps : undefined);
    await eventually(async () => all(await h.partitions(topic), (p) => p.isr.length === 3), 90_000, 'every replica in sync after the restart');
    const n = (await h.partitions(topic))[0]!.leader;
    const stop = await h.ok('kstack', ['stop', '--broker', String(n), '--json']);
    expect(JSON.parse(stop.stdout)).toEqual({ role: 'broker', id: n, pid: after[n], outcome: 'stopped' });
    const stopped = await h.status();
    expect(stopped.processes.find((p) => p.id === n)).toMatchObject({ running: false, state: 'stopped' });
    expect((await h.ok('kstack', ['status'])).stdout).toMatch(new RegExp(`degraded: broker ${n} stopped by kstack stop`));
    const shrunk = await eventually(async () => all(await h.partitions(topic), (p) => p.leader !== n && !p.isr.includes(n) && p.isr.length === 2), 60_000, `broker ${n} out of every ISR`);
    expect(shrunk[0]!.leader).not.toBe(n);

    await h.ok('kproduce', [topic, 'during']);
    expect((await h.ok('kconsume', [topic, '-g', 'g3', '-e', '--raw'])).stdout.trim().split('\n')).toEqual(['during']);

    const start = await h.ok('kstack', ['start', '--broker', String(n), '--json'], UP_MS);
    const started = JSON.parse(start.stdout);
    expect(started).toMatchObject({ role: 'broker', id: n, alreadyRunning: false });
    expect(started.pid).not.toBe(after[n]);
    await eventually(async () => all(await h.partitions(topic), (p) => p.isr.includes(n)), 90_000, `broker ${n} back in every ISR`);
    expect((await h.status()).running).toBe(true);
    expect(h.kcatMetadata(topic).brokers).toHaveLength(3);

    // --kill is a crash the user asked for: status says stopped, and `up` without flags brings it back alone.
    const live = await h.pids();
    const killed = await h.ok('kstack', ['stop', '--broker', '1', '--kill', '--json']);
    expect(JSON.parse(killed.stdout)).toMatchObject({ id: 1, outcome: 'killed' });
    expect((await h.status()).processes.find((p) => p.id === 1)!.state).toBe('stopped');
    const up2 = await h.ok('kstack', ['up'], UP_MS);
    expect(up2.stderr).toMatch(/restarted broker 1 \(killed by kstack stop --kill\) on its data/);
    const last = await h.pids();
    expect([last[2], last[3]]).toEqual([live[2], live[3]]);
    expect(await h.committed('g3')).toBe(4);
    expect(h.kcatGroup('g3', topic)).toEqual([]);
  }, 8 * UP_MS);

  it('ZooKeeper mode: a killed broker comes back once ZooKeeper drops its old session; a killed ZooKeeper comes back alone', async () => {
    const h = harness();
    const port = await findFreeBlock(2, '127.0.0.1');
    await h.ok('kstack', ['up', '--zookeeper', '--port', String(port)], UP_MS);
    h.setBootstrap(`127.0.0.1:${port}`);
    const topic = uniqueName('recoverzk');
    await h.ok('ktopics', ['create', topic, '-P', '1', '-r', '1']);
    await h.ok('kproduce', [topic, 'kept']);
    const before = await h.status();
    const [zk, broker] = before.processes;
    expect([zk!.role, broker!.role]).toEqual(['zookeeper', 'broker']);

    await h.killHard(broker!.pid);
    const up = await h.ok('kstack', ['up'], UP_MS);
    expect(up.stderr).toMatch(/restarted broker 1 \(was down\) on its data/);
    const after = await h.status();
    expect(after.running).toBe(true);
    expect(after.processes[0]!.pid).toBe(zk!.pid);
    expect((await h.ok('kconsume', [topic, '--from-beginning', '-e', '--raw'])).stdout.trim()).toBe('kept');

    await h.killHard(zk!.pid);
    expect((await h.status()).processes.map((p) => p.state)).toEqual(['down', 'up']);
    const up2 = await h.ok('kstack', ['up'], UP_MS);
    expect(up2.stderr).toMatch(/restarted ZooKeeper \(was down\) on its data/);
    const last = await h.status();
    expect(last.running).toBe(true);
    expect(last.processes[1]!.pid).toBe(after.processes[1]!.pid);
    expect((await h.ok('kconsume', [topic, '--from-beginning', '-e', '--raw'])).stdout.trim()).toBe('kept');
  }, 4 * UP_MS);

  it('stop and start name what is wrong: no stack, no such broker (exit 2)', async () => {
    const h = harness();
    const none = await h.kstack(['start', '--broker', '1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/error: no local stack in .*\nhint: start one with `kstack up`/);
    const port = await findFreeBlock(2, '127.0.0.1');
    await h.ok('kstack', ['up', '--port', String(port)], UP_MS);
    const missing = await h.kstack(['stop', '--broker', '4']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: the stack in .* has no broker 4\nhint: it has broker 1/);
    const running = await h.ok('kstack', ['start', '--broker', '1']);
    expect(running.stderr).toMatch(/broker 1 \(pid \d+\) already runs/);
  }, 2 * UP_MS);
});
