// `npm run bench`: our tools against kcat, Kafka's console tools, plain kafkajs and the producer perf test on one
// broker, same work, alternating tools over several rounds; prints a table and writes results.json and chart.svg.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTopic, deleteTopics, topicOffsets, type ConnectionOptions } from '../lib/kafka/index.js';
import { localProvider } from '../lib/stack/index.js';
import { ensureJars } from '../lib/stack/maven.js';
import { packageRoot, stackPaths } from '../lib/stack/paths.js';
import { findFreeBlock } from '../lib/stack/ports.js';
import { portSpan } from '../lib/stack/plan.js';
import { DEFAULT_HOST, findKafkaVersion, type KafkaVersion } from '../lib/stack/versions.js';
import { measure, median, type Measured } from './measure.js';
import { renderSvg, type Panel } from './svg.js';
import { baseId, needsJava, toolsFor, type NodeLine, type Setup, type Tool } from './tools.js';
import { writeData } from './data.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    records: { type: 'string' },
    tools: { type: 'string' },
    out: { type: 'string' },
    node: { type: 'string', multiple: true },
  },
});

const quick = args.quick === true;
const rounds = Number(args.rounds ?? (quick ? 1 : 3));
const records = Number(args.records ?? (quick ? 10_000 : 1_000_000));
// 1 KiB records: a quarter as many, so both sizes move a comparable number of bytes (256 MB vs 100 MB).
const recordsKiB = Math.max(1, Math.floor(records / 4));
const oneShotRepeats = quick ? 1 : 3;
const outDir = args.out ?? (quick ? join(tmpdir(), 'kbench-quick') : join(packageRoot(), 'docs', 'bench'));
const wanted = args.tools?.split(',');

interface Sample extends Measured {
  ok: boolean;
  error?: string;
}
interface Row {
  workload: string;
  tool: string;
  label: string;
  records: number;
  recordBytes: number;
  samples: Sample[];
  wallMs?: number;
  msgPerSec?: number;
  mbPerSec?: number;
  peakRssMiB?: number | null;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * The Node binaries our tools run with: --node PATH (repeatable), or --node all for this one and every line
 * `.ci/install-node` put in .cache/node/; without --node, the Node running the bench.
 */
function nodeLines(root: string): NodeLine[] {
  const asked = args.node ?? [process.execPath];
  const cached = join(root, '.cache', 'node');
  const paths = asked.flatMap((p) => (p !== 'all' ? [p] : [process.execPath, ...(existsSync(cached) ? readdirSync(cached).map((v) => join(cached, v, 'bin', 'node')) : [])]));
  return [...new Set(paths)].map((path) => {
    const v = version([path, '--version'], /^v(\d+\.\d+\.\d+)/m);
    if (!/^\d/.test(v)) throw new Error(`--node ${path}: not a Node binary (its --version: ${v})`);
    return { path, version: v };
  });
}
/** The first match of pick in what a command prints (stdout and stderr: java -version writes to stderr). */
const version = (argv: string[], pick: RegExp): string => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return 'not found';
  const m = pick.exec(`${r.stdout}\n${r.stderr}`);
  return m ? m.slice(1).filter(Boolean).join(', ') : 'unknown';
};
const hasJava = () => version(['java', '-version'], /version "([^"]+)"/) !== 'not found';

async function main(): Promise<number> {
  const root = packageRoot();
  const work = mkdtempSync(join(tmpdir(), 'kbench-'));
  const paths = stackPaths(process.env, { runDir: join(work, 'stack') });
  const kafka = findKafkaVersion('3.9') as KafkaVersion;
  let stop = async () => {};
  try {
    // The broker: KAFKA_BROKERS if given, else a private one on free ports through lib/stack.
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      log('bench: starting a private Kafka broker (kstack)');
      const basePort = await findFreeBlock(portSpan(1, 'kraft'), DEFAULT_HOST);
      // A deleted topic's files go at once (the default keeps them 60 s): each produce run's topic is deleted once
      // checked, so its gigabyte a round is never written back to disk under the next runs.
      const up = await localProvider.up({ brokers: 1, mode: 'kraft', kafka, host: DEFAULT_HOST, basePort, heap: '1g', config: { 'file.delete.delay.ms': '0' }, timeoutMs: 120_000, paths });
      brokers = up.state.bootstrap;
      stop = async () => void (await localProvider.down({ paths, timeoutMs: 20_000, keep: false }));
    }
    const java = hasJava();
    let classpath: string | null = null;
    if (java) {
      log('bench: resolving Kafka 3.9.2 jars and kafka-tools (first time only)');
      const tools: KafkaVersion = { ...kafka, line: '3.9-tools', version: `${kafka.version}-tools`, pom: 'kafka-tools-3.9.pom.xml' };
      classpath = [await ensureJars(kafka, paths.cacheDir), await ensureJars(tools, paths.cacheDir)].map((d) => join(d, '*')).join(':');
    }
    const setup: Setup = { brokers, root, classpath };
    const tools = toolsFor(nodeLines(root)).filter((t) => (!wanted || wanted.includes(t.id) || wanted.includes(baseId(t))) && (java || !needsJava(t)));
    const conn: ConnectionOptions = { brokers: brokers.split(','), timeoutMs: 30_000 };

    const data100 = join(work, 'records-100.txt');
    const data1k = join(work, 'records-1k.txt');
    const one = join(work, 'one.txt');
    writeData(data100, records, 100);
    writeData(data1k, recordsKiB, 1024);
    writeFileSync(one, 'hello\n');

    const rows: Row[] = [];
    const row = (workload: string, tool: Tool, n: number, size: number): Row => {
      let r = rows.find((x) => x.workload === workload && x.tool === tool.id);
      if (!r) rows.push((r = { workload, tool: tool.id, label: tool.label, records: n, recordBytes: size, samples: [] }));
      return r;
    };
    let topicSeq = 0;
    const freshTopic = async (what: string) => {
      const name = `bench-${what}-${process.pid}-${++topicSeq}`;
      await createTopic(conn, name, 3, 1);
      return name;
    };
    const sumHigh = async (topic: string) => (await topicOffsets(conn, topic)).reduce((a, p) => a + Number(p.high), 0);
    const timeoutFor = (n: number) => 60_000 + n * 0.5;

    // Consumers read topics filled once, by kcat (any correct producer would do).
    const filled100 = await freshTopic('c100');
    const filled1k = await freshTopic('c1k');
    for (const [topic, file, n] of [[filled100, data100, records], [filled1k, data1k, recordsKiB]] as const) {
      const m = await measure({ argv: ['kcat', '-P', '-b', brokers, '-t', topic], stdinFile: file, stdout: 'null', timeoutMs: timeoutFor(n) });
      if (m.exitCode !== 0 || (await sumHigh(topic)) !== n) throw new Error(`could not fill ${topic} with kcat: ${m.stderrTail}`);
    }

    for (let round = 1; round <= rounds; round++) {
      // Alternate: each round starts with the next tool, so no tool always runs first (or last) on a warm broker.
      const order = tools.map((_, i) => tools[(i + round - 1) % tools.length]!);
      log(`bench: round ${round} of ${rounds}: ${order.map((t) => t.id).join(', ')}`);
      for (const tool of order) {
        if (tool.oneShot) {
          const topic = await freshTopic('one');
          for (let i = 0; i < oneShotRepeats; i++) {
            const c = tool.oneShot(setup, topic);
            const m = await measure({ argv: c.argv, ...(c.stdin ? { stdinFile: one } : {}), stdout: 'null', timeoutMs: 60_000 });
            row('one-shot produce', tool, 1, 6).samples.push({ ...m, ok: m.exitCode === 0, ...(m.exitCode === 0 ? {} : { error: m.stderrTail }) });
          }
        }
        for (const [workload, file, n, size] of [['produce 100 B', data100, records, 100], ['produce 1 KiB', data1k, recordsKiB, 1024]] as const) {
          if (!tool.produce) continue;
          const topic = await freshTopic('p');
          const c = tool.produce(setup, topic, n, size);
          const m = await measure({ argv: c.argv, ...(c.stdin ? { stdinFile: file } : {}), stdout: 'null', timeoutMs: timeoutFor(n) });
          const stored = await sumHigh(topic);
          await deleteTopics(conn, [topic]);
          const ok = m.exitCode === 0 && stored === n;
          row(workload, tool, n, size).samples.push({ ...m, ok, ...(ok ? {} : { error: `exit ${m.exitCode}, ${stored} of ${n} stored; ${m.stderrTail}` }) });
        }
        for (const [workload, topic, n, size] of [['consume 100 B', filled100, records, 100], ['consume 1 KiB', filled1k, recordsKiB, 1024]] as const) {
          if (!tool.consume) continue;
          const c = tool.consume(setup, topic, n);
          // Quick runs count what each tool printed (a smoke check); full runs write to /dev/null, as users would.
          const m = await measure({ argv: c.argv, stdout: quick ? 'count' : 'null', timeoutMs: timeoutFor(n) });
          const ok = m.exitCode === 0 && (m.lines === undefined || m.lines >= n);
          row(workload, tool, n, size).samples.push({ ...m, ok, ...(ok ? {} : { error: `exit ${m.exitCode}, ${m.lines ?? '?'} lines of ${n}; ${m.stderrTail}` }) });
        }
      }
    }

    // Streaming check: our peak memory for 10,000 records, to set beside the full run's.
    const small = Math.min(10_000, records);
    if (!quick && tools.some((t) => baseId(t) === 'ours')) {
      const ours = tools.find((t) => baseId(t) === 'ours')!;
      const smallFile = join(work, 'records-small.txt');
      writeData(smallFile, small, 100);
      for (let round = 1; round <= rounds; round++) {
        const topic = await freshTopic('small');
        const p = await measure({ argv: ours.produce!(setup, topic, small, 100).argv, stdinFile: smallFile, stdout: 'null', timeoutMs: 60_000 });
        row(`produce 100 B x ${small}`, ours, small, 100).samples.push({ ...p, ok: p.exitCode === 0 });
        const c = await measure({ argv: ours.consume!(setup, topic, small).argv, stdout: 'null', timeoutMs: 60_000 });
        row(`consume 100 B x ${small}`, ours, small, 100).samples.push({ ...c, ok: c.exitCode === 0 });
      }
    }

    for (const r of rows) {
      const good = r.samples.filter((s) => s.ok);
      if (good.length === 0) continue;
      r.wallMs = median(good.map((s) => s.wallMs));
      r.msgPerSec = r.records / (r.wallMs / 1000);
      r.mbPerSec = (r.records * r.recordBytes) / 1e6 / (r.wallMs / 1000);
      const rss = good.map((s) => s.peakRssMiB).filter((x): x is number => x !== null);
      r.peakRssMiB = rss.length ? median(rss) : null;
    }

    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: [...new Set(nodeLines(root).map((n) => `v${n.version}`))].join(', '),
      java: version(['java', '-version'], /version "([^"]+)"/),
      kcat: version(['kcat', '-V'], /Version ([\d.]+) .*(librdkafka [\d.]+)/),
      kafka: kafka.version,
    };
    const result = { when: new Date().toISOString(), quick, rounds, records, recordsKiB, machine, tools: tools.map(({ id, label, settings }) => ({ id, label, settings })), rows };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(outDir, 'chart.svg'), chart(rows, machine));
    process.stdout.write(table(rows, tools) + '\n');
    log(`bench: wrote ${join(outDir, 'results.json')} and chart.svg`);

    const failed = rows.flatMap((r) => r.samples.filter((s) => !s.ok).map((s) => `${r.workload} / ${r.label}: ${s.error ?? 'failed'}`));
    for (const f of failed) log(`bench: FAILED ${f}`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await stop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '' : `${(a / b).toFixed(2)}x`);
const n0 = (x: number | undefined) => (x === undefined ? 'failed' : Math.round(x).toLocaleString('en-US'));

/** A Markdown table: medians, and each as a ratio to kcat's on the same workload. */
export function table(rows: Row[], tools: Tool[]): string {
  const lines = [
    '| workload | tool | msg/s | MB/s | wall ms | peak RSS MiB | msg/s vs kcat | wall vs kcat | RSS vs kcat |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const toolOrder = tools.map((t) => t.id);
  const sorted = [...rows].sort((a, b) => workloads.indexOf(a.workload) - workloads.indexOf(b.workload) || toolOrder.indexOf(a.tool) - toolOrder.indexOf(b.tool));
  for (const r of sorted) {
    const k = rows.find((x) => x.workload === r.workload && x.tool === 'kcat');
    lines.push(
      `| ${r.workload} | ${r.label} | ${n0(r.msgPerSec)} | ${r.mbPerSec?.toFixed(1) ?? ''} | ${n0(r.wallMs)} | ${r.peakRssMiB?.toFixed(0) ?? ''} | ${ratio(r.msgPerSec, k?.msgPerSec)} | ${ratio(r.wallMs, k?.wallMs)} | ${ratio(r.peakRssMiB ?? undefined, k?.peakRssMiB ?? undefined)} |`,
    );
  }
  return lines.join('\n');
}

function chart(rows: Row[], m: { cpu: string; cores: number; memoryGiB: number; node: string; kafka: string }): string {
  const panel = (workload: string, unit: string, better: Panel['better'], pick: (r: Row) => number | undefined): Panel => ({
    title: workload,
    unit,
    better,
    bars: rows.filter((r) => r.workload === workload && pick(r) !== undefined).map((r) => ({ label: r.label, value: pick(r)!, highlight: baseId({ id: r.tool }) === 'ours' })),
  });
  const panels = [
    panel('produce 100 B', 'msg/s', 'higher', (r) => r.msgPerSec),
    panel('consume 100 B', 'msg/s', 'higher', (r) => r.msgPerSec),
    panel('produce 1 KiB', 'msg/s', 'higher', (r) => r.msgPerSec),
    panel('consume 1 KiB', 'msg/s', 'higher', (r) => r.msgPerSec),
    panel('one-shot produce', 'wall ms', 'lower', (r) => r.wallMs),
  ].filter((p) => p.bars.length > 0);
  const others = [...new Set(rows.filter((r) => !['ours', 'floor', 'floorcli', 'node'].includes(baseId({ id: r.tool }))).map((r) => r.label))];
  return renderSvg(`kproduce / kconsume vs ${others.join(', ') || 'nothing else'}`, `medians; one Kafka ${m.kafka} broker on the same machine; ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}`, panels);
}

process.exitCode = await main().catch((e: Error) => {
  log(`bench: ${e.message}`);
  return 1;
});
