import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrokerOverrides } from '../../../lib/stack/overrides.js';
import { newClusterId, planStack, portSpan, type StackMode, type StackOptions } from '../../../lib/stack/plan.js';
import { DEFAULT_HOST, findKafkaVersion, type KafkaVersion } from '../../../lib/stack/versions.js';

function kafka(line: string): KafkaVersion {
  const v = findKafkaVersion(line);
  if (!v) throw new Error(`Kafka ${line} is not in the version table`);
  return v;
}

const RUN_DIR = '/tmp/kstack-plan-test/run';

function options(brokers: number, mode: StackMode, basePort: number, host = DEFAULT_HOST): StackOptions {
  return { brokers, mode, kafka: kafka('3.9'), host, basePort, heap: '512m' };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('portSpan', () => {
  it.each([
    { n: 1, mode: 'kraft' as const, span: 2 },
    { n: 3, mode: 'kraft' as const, span: 6 },
    { n: 9, mode: 'kraft' as const, span: 18 },
    { n: 1, mode: 'zookeeper' as const, span: 2 },
    { n: 3, mode: 'zookeeper' as const, span: 4 },
    { n: 9, mode: 'zookeeper' as const, span: 10 },
  ])('$n broker(s) in $mode mode need $span ports', ({ n, mode, span }) => {
    expect(portSpan(n, mode)).toBe(span);
  });
});

describe('planStack in kraft mode', () => {
  it('puts one broker on 9092 with its controller on 9093', () => {
    const plan = planStack(options(1, 'kraft', 9092), RUN_DIR);
    expect(plan.nodes).toHaveLength(1);
    expect(plan.nodes[0]).toMatchObject({ role: 'broker', id: 1, port: 9092, controllerPort: 9093 });
    expect(plan.bootstrap).toBe('127.0.0.1:9092');
    expect(plan.ports).toEqual([9092, 9093]);
  });

  it.each([
    { n: 1, base: 9092 },
    { n: 2, base: 19092 },
    { n: 3, base: 9092 },
    { n: 5, base: 30000 },
    { n: 9, base: 40000 },
  ])('$n broker(s) from $base: clients B..B+n-1, controllers B+n..B+2n-1', ({ n, base }) => {
    const plan = planStack(options(n, 'kraft', base), RUN_DIR);
    expect(plan.nodes.every((x) => x.role === 'broker')).toBe(true);
    expect(plan.nodes.map((x) => x.id)).toEqual(range(1, n));
    expect(plan.nodes.map((x) => x.port)).toEqual(range(base, n));
    expect(plan.nodes.map((x) => x.controllerPort)).toEqual(range(base + n, n));
    expect(plan.ports).toEqual(range(base, portSpan(n, 'kraft')));
    expect(plan.bootstrap).toBe(range(base, n).map((p) => `127.0.0.1:${p}`).join(','));
  });
});

describe('planStack in zookeeper mode', () => {
  it.each([
    { n: 1, base: 9092 },
    { n: 3, base: 9092 },
    { n: 4, base: 25000 },
  ])('$n broker(s) from $base: ZooKeeper on B+n, brokers without controller ports', ({ n, base }) => {
    const plan = planStack(options(n, 'zookeeper', base), RUN_DIR);
    const zk = plan.nodes.filter((x) => x.role === 'zookeeper');
    const brokers = plan.nodes.filter((x) => x.role === 'broker');
    expect(zk).toHaveLength(1);
    expect(zk[0]).toMatchObject({ id: 0, port: base + n });
    expect(zk[0]).not.toHaveProperty('controllerPort');
    expect(brokers.map((x) => x.id)).toEqual(range(1, n));
    expect(brokers.map((x) => x.port)).toEqual(range(base, n));
    for (const b of brokers) expect(b).not.toHaveProperty('controllerPort');
    expect(plan.ports).toEqual(range(base, portSpan(n, 'zookeeper')));
    expect(plan.bootstrap).toBe(range(base, n).map((p) => `127.0.0.1:${p}`).join(','));
  });
});

describe('planStack, shape common to both modes', () => {
  const cases = [
    { n: 1, mode: 'kraft' as const },
    { n: 3, mode: 'kraft' as const },
    { n: 1, mode: 'zookeeper' as const },
    { n: 3, mode: 'zookeeper' as const },
  ];

  it.each(cases)('$n broker(s), $mode: ports are sorted, unique and portSpan long', ({ n, mode }) => {
    const plan = planStack(options(n, mode, 9092), RUN_DIR);
    expect(plan.ports).toHaveLength(portSpan(n, mode));
    expect(plan.ports).toEqual([...plan.ports].sort((a, b) => a - b));
    expect(new Set(plan.ports).size).toBe(plan.ports.length);
  });

  it.each(cases)('$n broker(s), $mode: bootstrap uses the host of the options', ({ n, mode }) => {
    const plan = planStack(options(n, mode, 9092, 'localhost'), RUN_DIR);
    expect(plan.bootstrap.split(',')).toEqual(range(9092, n).map((p) => `localhost:${p}`));
  });

  it.each(cases)('$n broker(s), $mode: each node has its own directory under <runDir>/nodes', ({ n, mode }) => {
    const plan = planStack(options(n, mode, 9092), RUN_DIR);
    for (const node of plan.nodes) {
      const dir = join(RUN_DIR, 'nodes', node.role === 'zookeeper' ? 'zookeeper' : `broker-${node.id}`);
      expect(node.dir).toBe(dir);
      expect(node.configFile).toBe(join(dir, node.role === 'zookeeper' ? 'zookeeper.properties' : 'server.properties'));
      expect(node.logFile).toBe(join(dir, 'out.log'));
      expect(node.dataDir).toBe(join(dir, 'data'));
    }
    expect(new Set(plan.nodes.map((x) => x.dir)).size).toBe(plan.nodes.length);
  });

  it('keeps the options and the run directory on the plan', () => {
    const opts = options(2, 'kraft', 12000, 'localhost');
    const plan = planStack(opts, RUN_DIR);
    expect(plan).toMatchObject({ ...opts, runDir: RUN_DIR });
  });
});

describe('planStack, --config overrides', () => {
  it.each<{ what: string; config: BrokerOverrides | undefined; planned: BrokerOverrides }>([
    { what: 'no config option', config: undefined, planned: {} },
    { what: 'an empty config', config: {}, planned: {} },
    { what: 'one override', config: { 'auto.create.topics.enable': 'false' }, planned: { 'auto.create.topics.enable': 'false' } },
    { what: 'overrides out of order', config: { 'log.retention.ms': '60000', 'auto.create.topics.enable': 'false' }, planned: { 'auto.create.topics.enable': 'false', 'log.retention.ms': '60000' } },
  ])('$what: the plan holds $planned, names sorted', ({ config, planned }) => {
    const plan = planStack({ ...options(1, 'kraft', 9092), ...(config === undefined ? {} : { config }) }, RUN_DIR);
    expect(plan.config).toEqual(planned);
    expect(Object.keys(plan.config)).toEqual(Object.keys(planned));
  });
});

describe('newClusterId', () => {
  it('is 22 base64url characters from 16 bytes', async () => {
    const { randomBytes } = await import('node:crypto');
    const id = newClusterId(randomBytes);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('never starts with "-", which StorageTool would parse as an option', () => {
    // 0xf8 encodes to '-' as the first base64url character; the second draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() as Buffer);
    expect(draws).toHaveLength(0);
    expect(id.startsWith('-')).toBe(false);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
  });
});
