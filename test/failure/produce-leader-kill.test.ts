// kproduce (acks=all, idempotent) keeps every acknowledged record, once and in per-key order, when a partition leader is killed mid-stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, topicOffsets } from '../../lib/kafka/index.js';
import { start } from '../support/bins.js';
import { clusterConnection, leaders, readAll, record, TimedLines } from '../support/failure.js';
import { eventually, uniqueName } from '../support/kafka.js';
import { killBroker, privateStack, type PrivateStack } from '../support/stack.js';

const TOTAL = 200_000;
const KEYS = 100;
const PARTITIONS = 6;

let stack: PrivateStack;
beforeAll(async () => {
  stack = await privateStack({ brokers: 3 });
});
afterAll(async () => {
  await stack?.stop();
});

/** Record i: key k(i mod 100), value "k7:000123" where 000123 is that key's own sequence number. */
function input(): { text: string; values: string[] } {
  const values: string[] = [];
  for (let i = 0; i < TOTAL; i++) values.push(`k${i % KEYS}:${String(Math.floor(i / KEYS)).padStart(6, '0')}`);
  return { text: values.map((v) => `${v.slice(0, v.indexOf(':'))}|${v}`).join('\n') + '\n', values };
}

describe('a partition leader dies while kproduce streams (RF 3, min.insync.replicas=2, acks=all)', () => {
  // Default flags: a killed broker is fenced after ~9 s, and kproduce's --delivery-timeout (30 s) outlasts that.
  it('every acknowledged record is stored once, in per-key order; the exit code and report match', async () => {
    const label = 'default flags';
    const extra: string[] = [];
    const conn = clusterConnection(stack);
    const topic = uniqueName('leader-kill');
    await createTopic(conn, topic, PARTITIONS, 3, { 'min.insync.replicas': '2' });
    const { text, values } = input();
    const started = Date.now();
    const p = start('kproduce', [topic, '-b', stack.state.bootstrap, '-K', '|', '--report', 'each', '--json', ...extra], { timeoutMs: 240_000 });
    const acks = new TimedLines();
    p.child.stdout.on('data', (b: Buffer) => acks.push(b));
    p.child.stdin.on('error', () => {});
    // The input in two parts: the rest is written only after the kill, so however fast kproduce runs on this machine,
    // 60% of the records are sent after the leader died (before, a fast run could finish before the kill landed).
    const firstPart = text.split('\n', (2 * TOTAL) / 5).join('\n') + '\n';
    p.child.stdin.write(firstPart);

    // Mid-stream: once a fifth is acknowledged, SIGKILL the leader of partition 0 (it leads some, not all, partitions).
    await eventually(() => (acks.lines.length >= TOTAL / 5 ? true : undefined), 120_000, `${TOTAL / 5} acks`);
    const before = await leaders(conn, topic);
    const victim = before.get(0)!;
    const led = [...before].filter(([, l]) => l === victim).map(([part]) => part);
    const killedAt = Date.now();
    const ackedAtKill = acks.lines.length;
    await killBroker(stack, victim, 'SIGKILL');
    p.child.stdin.end(text.slice(firstPart.length));
    const r = await p.done;
    const ackedAfter = acks.at.findIndex((t) => t > killedAt);
    const firstAckAfterKillMs = ackedAfter === -1 ? null : acks.at[ackedAfter]! - killedAt;

    // What kproduce acknowledged: report i is input record i (reports come in input order); errors carry "error".
    const reports = acks.lines.map((l) => JSON.parse(l) as { partition: number; offset: number | null; key: string; error?: string });
    const acked = reports.filter((x) => x.error === undefined);
    const failedReports = reports.length - acked.length;
    reports.slice(0, acked.length).forEach((x) => expect(x.error).toBeUndefined()); // no ack after a failure

    // Everything in the topic, read by kcat (librdkafka) from the two live brokers.
    const stored = readAll(stack.state.bootstrap, topic);
    const byPosition = new Map(stored.map((s) => [`${s.partition}@${s.offset}`, s.value]));
    const counts = new Map<string, number>();
    for (const s of stored) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
    // Acknowledged but absent from the topic; and present, but not where its delivery report said.
    const missing = acked.filter((_, i) => !counts.has(values[i]!)).length;
    const wrongOffset = acked.filter((a, i) => counts.has(values[i]!) && byPosition.get(`${a.partition}@${a.offset}`) !== values[i]).length;
    const duplicates = [...counts.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
    // Per key, sequence numbers rise with the offset (one key lives in one partition).
    const lastSeq = new Map<string, number>();
    let outOfOrder = 0;
    for (const s of [...stored].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const seq = Number(s.value.slice(s.value.indexOf(':') + 1));
      if (seq <= (lastSeq.get(s.key) ?? -1)) outOfOrder += 1;
      lastSeq.set(s.key, seq);
    }
    // Recovery: from the kill to the first ack on a partition the dead broker led; and the longest pause between acks.
    const ledIndex = reports.findIndex((x, i) => acks.at[i]! > killedAt && x.error === undefined && x.offset !== null && led.includes(x.partition));
    const recoveryMs = ledIndex === -1 ? null : acks.at[ledIndex]! - killedAt;
    let maxStallMs = 0;
    for (let i = 1; i < acks.at.length; i++) maxStallMs = Math.max(maxStallMs, acks.at[i]! - acks.at[i - 1]!);
    const summary = /kproduce: (\d+) messages/.exec(r.stderr);
    record(`produce-leader-kill (${label})`, {
      sent: TOTAL,
      acknowledged: acked.length,
      failedReports,
      ackedWithoutOffset: acked.filter((a) => a.offset === null).length,
      stored: stored.length,
      missingAcked: missing,
      wrongOffset,
      duplicates,
      outOfOrder,
      exitCode: r.code,
      killedBroker: victim,
      itLed: led,
      ackedAtKill,
      firstAckAfterKillMs,
      recoveryMs,
      maxStallMs,
      elapsedMs: Date.now() - started,
      stderr: r.stderr.trim().split('\n').slice(-3),
    });

    expect(missing).toBe(0);
    expect(wrongOffset).toBe(0);
    expect(duplicates).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    if (r.code === 0) {
      expect(acked).toHaveLength(TOTAL);
      expect(stored).toHaveLength(TOTAL);
    } else {
      // A failure is one error line and a hint, after the summary; it names what was not acknowledged.
      expect([1, 3]).toContain(r.code);
      // "N of M messages were not acknowledged": M counts what was read from the input, of which M - N were acknowledged.
      const counted = /^error: (\d+) of (\d+) messages were not acknowledged/m.exec(r.stderr);
      expect(counted).not.toBeNull();
      expect(Number(counted![2]) - Number(counted![1])).toBe(acked.length);
      expect(r.stderr).toMatch(/\nhint: [^\n]+\n$/);
      expect(summary && Number(summary[1])).toBe(acked.length);
    }
    expect(r.code).toBe(0);
  }, 180_000);

  // Keyless lines with the default summary go packed, several batches in flight, each whole to a partition no other
  // batch in flight uses (lib/kafka/lanes.ts): the dead leader's lanes wait for the election while the others go on.
  it('keyless bulk lines (several batches in flight, one per partition): all stored once, each partition in input order, exit 0', async () => {
    // The broker the test before killed comes back first (kstack up over a recorded stack starts what is not running).
    stack = await privateStack({ paths: stack.paths, basePort: stack.basePort, brokers: 3 });
    const conn = clusterConnection(stack);
    const topic = uniqueName('leader-kill-keyless');
    await createTopic(conn, topic, PARTITIONS, 3, { 'min.insync.replicas': '2' });
    const values = Array.from({ length: TOTAL }, (_, i) => `v${String(i).padStart(6, '0')}`);
    const text = values.join('\n') + '\n';
    const started = Date.now();
    const p = start('kproduce', [topic, '-b', stack.state.bootstrap], { timeoutMs: 240_000 });
    p.child.stdin.on('error', () => {});
    const firstPart = values.slice(0, (2 * TOTAL) / 5).join('\n') + '\n';
    p.child.stdin.write(firstPart);
    // Once a fifth is in the topic, SIGKILL the leader of partition 0; the rest of the input follows the kill.
    const stored = async () => (await topicOffsets(conn, topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    await eventually(async () => ((await stored()) >= TOTAL / 5 ? true : undefined), 120_000, `${TOTAL / 5} records stored`);
    const before = await leaders(conn, topic);
    const victim = before.get(0)!;
    const killedAt = Date.now();
    await killBroker(stack, victim, 'SIGKILL');
    p.child.stdin.end(text.slice(firstPart.length));
    const r = await p.done;

    const all = readAll(stack.state.bootstrap, topic);
    const counts = new Map<string, number>();
    for (const s of all) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
    const missing = values.filter((v) => !counts.has(v)).length;
    const duplicates = [...counts.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
    let outOfOrder = 0;
    const last = new Map<number, string>();
    for (const s of [...all].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      if (s.value <= (last.get(s.partition) ?? '')) outOfOrder += 1;
      last.set(s.partition, s.value);
    }
    record('produce-leader-kill (keyless bulk, several in flight)', {
      sent: TOTAL,
      stored: all.length,
      missing,
      duplicates,
      outOfOrder,
      partitionsUsed: new Set(all.map((s) => s.partition)).size,
      exitCode: r.code,
      killedBroker: victim,
      afterKillMs: Date.now() - killedAt,
      elapsedMs: Date.now() - started,
      stderr: r.stderr.trim().split('\n').slice(-3),
    });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(new RegExp(`kproduce: ${TOTAL} messages \\(`));
    expect([missing, duplicates, outOfOrder, all.length]).toEqual([0, 0, 0, TOTAL]);
    expect(new Set(all.map((s) => s.partition)).size).toBe(PARTITIONS);
    expect(r.code).toBe(0);
  }, 180_000);
});
