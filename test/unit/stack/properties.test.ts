import { describe, expect, it } from 'vitest';
import { KSTACK_CONTROLLED, parseBrokerOverrides } from '../../../lib/stack/overrides.js';
import { planStack, type NodePlan, type StackMode, type StackPlan } from '../../../lib/stack/plan.js';
import {
  brokerProperties,
  loggingConfig,
  readyLine,
  renderProperties,
  zookeeperProperties,
} from '../../../lib/stack/properties.js';
import { DEFAULT_HOST, findKafkaVersion, type KafkaVersion } from '../../../lib/stack/versions.js';

function kafka(line: string): KafkaVersion {
  const v = findKafkaVersion(line);
  if (!v) throw new Error(`Kafka ${line} is not in the version table`);
  return v;
}

function plan(brokers: number, mode: StackMode, line = '3.9', host = DEFAULT_HOST, basePort = 9092, config: string[] = []): StackPlan {
  return planStack({ brokers, mode, kafka: kafka(line), host, basePort, heap: '512m', config: parseBrokerOverrides(config) }, '/tmp/kstack-props-test');
}

const brokersOf = (p: StackPlan) => p.nodes.filter((x) => x.role === 'broker');

function zookeeperOf(p: StackPlan): NodePlan {
  const zk = p.nodes.find((x) => x.role === 'zookeeper');
  if (!zk) throw new Error('no ZooKeeper node in the plan');
  return zk;
}

/** Reads back what renderProperties wrote the way java.util.Properties does for these simple lines. */
function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    out[line.slice(0, eq)] = line.slice(eq + 1).replace(/\\(.)/g, '$1');
  }
  return out;
}

describe('renderProperties', () => {
  it('writes a comment header, then key=value lines, ending in a newline', () => {
    const text = renderProperties({ a: 'x', 'b.c': 2, d: false }, 'made by a test');
    expect(text).toBe('# made by a test\na=x\nb.c=2\nd=false\n');
  });

  it.each([
    { value: 'C:\\kafka\\data', written: 'C:\\\\kafka\\\\data' },
    { value: '\\', written: '\\\\' },
    { value: 'a\\\\b', written: 'a\\\\\\\\b' },
    { value: '/plain/path', written: '/plain/path' },
  ])('escapes backslashes: $value is written as $written', ({ value, written }) => {
    const text = renderProperties({ key: value }, 'h');
    expect(text.split('\n')[1]).toBe(`key=${written}`);
    expect(parseProperties(text).key).toBe(value);
  });

  it('writes no comment after any value: only the header line is a comment', () => {
    const p = plan(3, 'kraft', '4.4');
    const node = brokersOf(p)[0]!;
    const text = renderProperties(brokerProperties(p, node), 'header');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('# header');
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^[^#=\s]+=/);
      expect(line).not.toContain('#');
    }
  });
});

describe('brokerProperties in kraft mode', () => {
  it.each([
    { n: 1, line: '3.9' },
    { n: 2, line: '3.9' },
    { n: 3, line: '4.4' },
    { n: 5, line: '4.4' },
  ])('$n broker(s) on $line: every node lists every voter as id@host:controllerPort', ({ n, line }) => {
    const p = plan(n, 'kraft', line);
    const voters = Array.from({ length: n }, (_, i) => `${i + 1}@127.0.0.1:${9092 + n + i}`).join(',');
    for (const node of brokersOf(p)) {
      const props = brokerProperties(p, node);
      expect(props['process.roles']).toBe('broker,controller');
      expect(props['node.id']).toBe(node.id);
      expect(props['controller.quorum.voters']).toBe(voters);
      expect(props.listeners).toBe(`PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`);
      expect(props['advertised.listeners']).toBe(`PLAINTEXT://127.0.0.1:${node.port}`);
      expect(props['controller.listener.names']).toBe('CONTROLLER');
      expect(props['log.dirs']).toBe(node.dataDir);
      expect(props).not.toHaveProperty('zookeeper.connect');
      expect(props).not.toHaveProperty('broker.id');
    }
  });

  it.each([DEFAULT_HOST, 'localhost'])('listens on and advertises the plan host %s', (host) => {
    const p = plan(1, 'kraft', '3.9', host);
    const props = brokerProperties(p, brokersOf(p)[0]!);
    expect(props['advertised.listeners']).toBe(`PLAINTEXT://${host}:9092`);
    expect(props['controller.quorum.voters']).toBe(`1@${host}:9093`);
  });
});

describe('brokerProperties in zookeeper mode', () => {
  it.each([1, 3])('%i broker(s): zookeeper.connect points at the ZooKeeper node, no KRaft settings', (n) => {
    const p = plan(n, 'zookeeper');
    const zk = zookeeperOf(p);
    for (const node of brokersOf(p)) {
      const props = brokerProperties(p, node);
      expect(props['broker.id']).toBe(node.id);
      expect(props['zookeeper.connect']).toBe(`127.0.0.1:${zk.port}`);
      expect(props.listeners).toBe(`PLAINTEXT://127.0.0.1:${node.port}`);
      expect(props['advertised.listeners']).toBe(`PLAINTEXT://127.0.0.1:${node.port}`);
      expect(props['log.dirs']).toBe(node.dataDir);
      for (const key of ['process.roles', 'node.id', 'controller.quorum.voters', 'controller.listener.names']) {
        expect(props).not.toHaveProperty(key);
      }
    }
  });

  it('fails on a zookeeper-mode plan without a ZooKeeper node', () => {
    const p = plan(1, 'zookeeper');
    const broken: StackPlan = { ...p, nodes: brokersOf(p) };
    expect(() => brokerProperties(broken, brokersOf(p)[0]!)).toThrow(/no ZooKeeper node/);
  });
});

describe('cluster defaults on every broker', () => {
  it.each([
    { n: 1, mode: 'kraft' as const, rf: 1, isr: 1 },
    { n: 2, mode: 'kraft' as const, rf: 2, isr: 2 },
    { n: 3, mode: 'kraft' as const, rf: 3, isr: 2 },
    { n: 5, mode: 'kraft' as const, rf: 3, isr: 2 },
    { n: 1, mode: 'zookeeper' as const, rf: 1, isr: 1 },
    { n: 4, mode: 'zookeeper' as const, rf: 3, isr: 2 },
  ])('$n broker(s), $mode: internal topics rf $rf, min.isr $isr, no rebalance delay', ({ n, mode, rf, isr }) => {
    const p = plan(n, mode);
    for (const node of brokersOf(p)) {
      const props = brokerProperties(p, node);
      expect(props['offsets.topic.replication.factor']).toBe(rf);
      expect(props['default.replication.factor']).toBe(rf);
      expect(props['transaction.state.log.replication.factor']).toBe(rf);
      expect(props['transaction.state.log.min.isr']).toBe(isr);
      expect(props['group.initial.rebalance.delay.ms']).toBe(0);
    }
  });

  it.each([
    { line: '3.9', n: 1, share: undefined },
    { line: '4.4', n: 1, share: { rf: 1, isr: 1 } },
    { line: '4.4', n: 2, share: { rf: 2, isr: 2 } },
    { line: '4.4', n: 4, share: { rf: 3, isr: 2 } },
  ])('Kafka $line with $n broker(s): share.coordinator settings $share', ({ line, n, share }) => {
    const p = plan(n, 'kraft', line);
    const props = brokerProperties(p, brokersOf(p)[0]!);
    const shareKeys = Object.keys(props).filter((k) => k.startsWith('share.coordinator.'));
    if (share === undefined) {
      expect(shareKeys).toEqual([]);
    } else {
      expect(props['share.coordinator.state.topic.replication.factor']).toBe(share.rf);
      expect(props['share.coordinator.state.topic.min.isr']).toBe(share.isr);
    }
  });
});

describe('--config overrides on every broker', () => {
  const shapes = [
    { n: 1, mode: 'kraft' as const, line: '3.9' },
    { n: 3, mode: 'kraft' as const, line: '4.4' },
    { n: 2, mode: 'zookeeper' as const, line: '3.9' },
  ];

  it.each(shapes)('$n broker(s), $mode, Kafka $line: new settings are added, defaults replaced, the rest kept', ({ n, mode, line }) => {
    const bare = plan(n, mode, line);
    const p = plan(n, mode, line, DEFAULT_HOST, 9092, ['auto.create.topics.enable=false', 'num.partitions=1', 'offsets.topic.replication.factor=1', 'log.retention.ms=60000']);
    for (const node of brokersOf(p)) {
      const props = brokerProperties(p, node);
      const before = brokerProperties(bare, brokersOf(bare).find((x) => x.id === node.id)!);
      expect(props).toEqual({ ...before, 'auto.create.topics.enable': 'false', 'num.partitions': '1', 'offsets.topic.replication.factor': '1', 'log.retention.ms': '60000' });
      const text = parseProperties(renderProperties(props, 'h'));
      expect(text['auto.create.topics.enable']).toBe('false');
      expect(text['num.partitions']).toBe('1');
      expect(text['log.retention.ms']).toBe('60000');
    }
  });

  it.each(shapes)('$n broker(s), $mode, Kafka $line: an override written once, as given, with no comment after it', ({ n, mode, line }) => {
    const p = plan(n, mode, line, DEFAULT_HOST, 9092, ['log.cleanup.policy=compact,delete', 'ssl.endpoint.identification.algorithm=']);
    const lines = renderProperties(brokerProperties(p, brokersOf(p)[0]!), 'h').split('\n');
    expect(lines.filter((l) => l.startsWith('log.cleanup.policy='))).toEqual(['log.cleanup.policy=compact,delete']);
    expect(lines.filter((l) => l.startsWith('ssl.endpoint.identification.algorithm='))).toEqual(['ssl.endpoint.identification.algorithm=']);
  });

  it.each(shapes)('$n broker(s), $mode, Kafka $line: every setting an override may change is one of our cluster defaults', ({ n, mode, line }) => {
    // Catches a new shape setting in brokerProperties that KSTACK_CONTROLLED does not protect.
    const p = plan(n, mode, line);
    const overridable = Object.keys(brokerProperties(p, brokersOf(p)[0]!)).filter((k) => !KSTACK_CONTROLLED.includes(k));
    for (const key of overridable) {
      expect(key).toMatch(/^(offsets\.topic\.|transaction\.state\.log\.|share\.coordinator\.state\.topic\.|group\.initial\.rebalance\.delay\.ms$|num\.partitions$|default\.replication\.factor$)/);
    }
  });

  it('leaves ZooKeeper alone', () => {
    const p = plan(1, 'zookeeper', '3.9', DEFAULT_HOST, 9092, ['log.retention.ms=60000']);
    expect(zookeeperProperties(p, zookeeperOf(p))).not.toHaveProperty('log.retention.ms');
  });
});

describe('zookeeperProperties', () => {
  it.each([DEFAULT_HOST, 'localhost'])('serves on %s at its port, with its data dir and no admin server', (host) => {
    const p = plan(2, 'zookeeper', '3.9', host, 30000);
    const zk = zookeeperOf(p);
    expect(zookeeperProperties(p, zk)).toEqual({
      dataDir: zk.dataDir,
      clientPort: 30002,
      clientPortAddress: host,
      maxClientCnxns: 0,
      'admin.enableServer': false,
    });
  });
});

describe('loggingConfig', () => {
  it.each([
    { line: '3.9', fileName: 'log4j.properties', root: /^log4j\.rootLogger=INFO, stdout$/m },
    { line: '4.4', fileName: 'log4j2.properties', root: /^rootLogger\.level = info$/m },
  ])('Kafka $line logs to the console through $fileName', ({ line, fileName, root }) => {
    const cfg = loggingConfig(plan(1, 'kraft', line));
    expect(cfg.fileName).toBe(fileName);
    expect(cfg.text).toMatch(root);
    expect(cfg.text).toMatch(/Console/);
    expect(cfg.text.endsWith('\n')).toBe(true);
  });
});

describe('readyLine', () => {
  it.each([
    {
      what: 'ZooKeeper',
      mode: 'zookeeper' as const,
      node: 'zookeeper' as const,
      ready: '[2025-01-01 10:00:00,000] INFO binding to port /127.0.0.1:9094 (org.apache.zookeeper.server.NIOServerCnxnFactory)',
      notReady: '[2025-01-01 10:00:00,000] INFO Reading configuration from: zookeeper.properties',
    },
    {
      what: 'a KRaft broker',
      mode: 'kraft' as const,
      node: 2,
      ready: '[2025-01-01 10:00:00,000] INFO [KafkaRaftServer nodeId=2] Kafka Server started (kafka.server.KafkaRaftServer)',
      notReady: '[2025-01-01 10:00:00,000] INFO [BrokerServer id=2] Transition from STARTING to STARTED',
    },
    {
      what: 'a ZooKeeper-mode broker',
      mode: 'zookeeper' as const,
      node: 1,
      ready: '[2025-01-01 10:00:00,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)',
      notReady: '[2025-01-01 10:00:00,000] INFO [KafkaServer id=12] started (kafka.server.KafkaServer)',
    },
  ])('matches the line that says $what is serving, and not a similar one', ({ mode, node, ready, notReady }) => {
    const p = plan(3, mode);
    const n = node === 'zookeeper' ? zookeeperOf(p) : brokersOf(p).find((x) => x.id === node)!;
    const re = readyLine(p, n);
    expect(re.test(ready)).toBe(true);
    expect(re.test(notReady)).toBe(false);
  });
});

describe('renderProperties read back by Java itself', () => {
  it('keeps non-ASCII, newlines and backslashes intact through java.util.Properties (ISO-8859-1)', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { spawnSync } = await import('node:child_process');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'props-java-'));
    try {
      const values = { ascii: '/tmp/data', accents: '/tmp/dados-ção/ü', emoji: 'x😀y', newline: 'a\nb', backslash: 'C:\\kafka' };
      writeFileSync(join(dir, 'p.properties'), renderProperties(values, 'from a test'));
      // Java reads the file the way Kafka's Utils.loadProps does (an InputStream, so ISO-8859-1), and prints JSON-escaped code points.
      writeFileSync(
        join(dir, 'Load.java'),
        `import java.io.*; import java.util.*;
public class Load { public static void main(String[] a) throws Exception {
  Properties p = new Properties(); try (InputStream in = new FileInputStream(a[0])) { p.load(in); }
  for (String k : new TreeSet<>(p.stringPropertyNames())) { StringBuilder b = new StringBuilder();
    for (char c : p.getProperty(k).toCharArray()) b.append(String.format("\\\\u%04x", (int) c));
    System.out.println(k + "=" + b); } } }`,
      );
      const r = spawnSync('java', [join(dir, 'Load.java'), join(dir, 'p.properties')], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      const read = Object.fromEntries(r.stdout.trim().split('\n').map((l) => {
        const [k, v] = [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)];
        return [k, JSON.parse(`"${v}"`)];
      }));
      expect(read).toEqual(values);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
