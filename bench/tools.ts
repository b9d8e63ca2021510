// The tools the benchmark compares, each as the command lines a user would run (defaults, no tuning) for one workload.
import { join } from 'node:path';

export interface Setup {
  brokers: string;
  /** The package root: dist/ and node_modules/ are under it. */
  root: string;
  /** Java classpath with the broker's and kafka-tools' jars; null when Java tools are left out. */
  classpath: string | null;
}

export interface Command {
  argv: string[];
  /** The workload's data file goes to stdin (produce), or nothing does. */
  stdin: boolean;
}

export interface Tool {
  /** ours, kcat, ...; a tool run on several Node lines has one id per line: ours@24.22.3. */
  id: string;
  label: string;
  /** What the tool sends with, said in the README table. */
  settings: string;
  produce?(s: Setup, topic: string, records: number, size: number): Command;
  consume?(s: Setup, topic: string, records: number): Command;
  oneShot?(s: Setup, topic: string): Command;
}

/** A Node binary to run our tools with, and its version. */
export interface NodeLine {
  path: string;
  version: string;
}

const bin = (s: Setup, name: string) => join(s.root, 'dist', name);
const java = (s: Setup, main: string, args: string[]) => ['java', '-Xmx512m', '-cp', s.classpath!, main, ...args];

/** The tools that run on Node, for one Node binary. */
const nodeTools = (node: string): Tool[] => [
  {
    id: 'ours',
    label: 'kproduce / kconsume',
    settings: 'acks=all, idempotent, batches of up to 10,000 records / 1 MiB, linger 5 ms',
    produce: (s, topic) => ({ argv: [node, bin(s, 'cmd/kproduce.js'), '-b', s.brokers, topic], stdin: true }),
    consume: (s, topic) => ({ argv: [node, bin(s, 'cmd/kconsume.js'), '-b', s.brokers, topic, '-e', '--from-beginning', '--raw'], stdin: false }),
    oneShot: (s, topic) => ({ argv: [node, bin(s, 'cmd/kproduce.js'), '-b', s.brokers, topic, 'hello'], stdin: false }),
  },
  {
    id: 'kafkajs',
    label: 'plain kafkajs 2.2.4',
    settings: 'stock kafkajs (no patches), idempotent, acks=all, 1,000 records a request; eachBatch',
    produce: (s, topic) => ({ argv: [node, bin(s, 'bench/plain-kafkajs.js'), 'produce', s.brokers, topic], stdin: true }),
    consume: (s, topic, records) => ({ argv: [node, bin(s, 'bench/plain-kafkajs.js'), 'consume', s.brokers, topic, String(records)], stdin: false }),
    oneShot: (s, topic) => ({ argv: [node, bin(s, 'bench/plain-kafkajs.js'), 'produce', s.brokers, topic], stdin: true }),
  },
  {
    id: 'floor',
    label: 'floor: Node, a socket and 4 round trips',
    settings: 'no client library: ApiVersions, Metadata, InitProducerId and one Produce written by hand (bench/floor.ts)',
    oneShot: (s, topic) => ({ argv: [node, bin(s, 'bench/floor.js'), s.brokers.split(',')[0]!, topic], stdin: false }),
  },
  {
    id: 'floorcli',
    label: 'floor with commander',
    settings: 'the floor above with our command-line library (commander) loaded and a command parsed first: the least a Node CLI built on it takes',
    oneShot: (s, topic) => ({ argv: [node, bin(s, 'bench/floor.js'), s.brokers.split(',')[0]!, topic, '--cli'], stdin: false }),
  },
  {
    id: 'node',
    label: 'floor: node -e 0',
    settings: 'Node starting and exiting, nothing else',
    oneShot: () => ({ argv: [node, '-e', '0'], stdin: false }),
  },
];

const otherTools: Tool[] = [
  {
    id: 'kcat',
    label: 'kcat',
    settings: 'librdkafka defaults: acks=all, not idempotent, up to 10,000 records / 1 MB a batch, linger 5 ms',
    produce: (s, topic) => ({ argv: ['kcat', '-P', '-b', s.brokers, '-t', topic], stdin: true }),
    consume: (s, topic) => ({ argv: ['kcat', '-C', '-b', s.brokers, '-t', topic, '-o', 'beginning', '-e', '-q'], stdin: false }),
    oneShot: (s, topic) => ({ argv: ['kcat', '-P', '-b', s.brokers, '-t', topic], stdin: true }),
  },
  {
    id: 'console',
    label: 'Kafka console tools (JVM)',
    settings: 'kafka.tools.ConsoleProducer / o.a.k.tools.consumer.ConsoleConsumer 3.9.2, their defaults (acks=all, linger 1 s)',
    produce: (s, topic) => ({ argv: java(s, 'kafka.tools.ConsoleProducer', ['--bootstrap-server', s.brokers, '--topic', topic]), stdin: true }),
    consume: (s, topic, records) => ({
      argv: java(s, 'org.apache.kafka.tools.consumer.ConsoleConsumer', ['--bootstrap-server', s.brokers, '--topic', topic, '--from-beginning', '--max-messages', String(records), '--timeout-ms', '60000']),
      stdin: false,
    }),
    oneShot: (s, topic) => ({ argv: java(s, 'kafka.tools.ConsoleProducer', ['--bootstrap-server', s.brokers, '--topic', topic]), stdin: true }),
  },
  {
    id: 'perf',
    label: 'ProducerPerformance (JVM)',
    settings: "Kafka's producer perf test 3.9.2: generated records, acks=all, Java client defaults; the broker's limit",
    produce: (s, topic, records, size) => ({
      argv: java(s, 'org.apache.kafka.tools.ProducerPerformance', ['--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1', '--producer-props', `bootstrap.servers=${s.brokers}`, 'acks=all']),
      stdin: false,
    }),
  },
];

/** Every tool, those on Node once per Node line (ids and labels then name the line; one line keeps them plain). */
export function toolsFor(nodes: NodeLine[]): Tool[] {
  const onNode = nodes.flatMap((n) =>
    nodeTools(n.path).map((t) => (nodes.length === 1 ? t : { ...t, id: `${t.id}@${n.version}`, label: `${t.label}, Node ${n.version}` })),
  );
  const order = ['ours', 'kcat', 'console', 'kafkajs', 'perf', 'floor', 'floorcli', 'node'];
  return [...onNode, ...otherTools].sort((a, b) => order.indexOf(baseId(a)) - order.indexOf(baseId(b)));
}

/** ours@24.22.3 -> ours. */
export const baseId = (t: { id: string }) => t.id.split('@')[0]!;

export const needsJava = (t: Tool) => t.id === 'console' || t.id === 'perf';
