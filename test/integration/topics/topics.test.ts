// lib/topics against real brokers: create, list, describe (offsets, configs), alter (configs kept), delete; under-replication on three brokers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTopicNames, type ConnectionOptions } from '../../../lib/kafka/index.js';
import { describeTopic, topicsAlter, topicsCreate, topicsDelete, topicsDescribe, topicsList } from '../../../lib/topics/topics.js';
import { read, send } from '../../support/clients.js';
import { connection, eventually, freshTopic, memoryIo, uniqueName } from '../../support/kafka.js';
import { killBroker, privateStack, type PrivateStack } from '../../support/stack.js';

const common = (json = true) => ({ connection: connection(), json });

describe('ktopics on one broker', () => {
  it('creates a topic with partitions and configs; list and describe show it', async () => {
    const topic = uniqueName('kt-create');
    const io = memoryIo();
    const made = await topicsCreate(io, { ...common(), topic, partitions: 2, configs: [['retention.ms', '3600000']], ifNotExists: false });
    expect(made).toEqual({ topic, created: true, partitions: 2, replicationFactor: 1 });
    expect(JSON.parse(io.stdoutText())).toEqual({ topic, created: true, partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '3600000' } });

    const listed = memoryIo();
    await topicsList(listed, { ...common(), internal: false });
    const lines = listed.stdoutLines().map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ name: topic, partitions: 2, replicationFactor: 1, internal: false });
    expect(lines.some((t) => t.name.startsWith('__'))).toBe(false);

    const d = await describeTopic(connection(), topic);
    expect(d.configs).toEqual({ 'retention.ms': '3600000' });
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1]);
  });

  it('list --internal includes __consumer_offsets; without it, no internal topic', async () => {
    const topic = await freshTopic('kt-int');
    await send(topic, ['x']);
    // A group that commits makes sure the offsets topic exists.
    await read([topic], { groupId: uniqueName('kt-int-g'), maxMessages: 1, exitAtEnd: false });
    const io = memoryIo();
    const topics = await topicsList(io, { ...common(), internal: true });
    expect(topics).toContainEqual(expect.objectContaining({ name: '__consumer_offsets', internal: true }));
    expect(topics).toContainEqual({ name: topic, partitions: 1, replicationFactor: 1, internal: false });
    expect(topics.filter((t) => t.internal).every((t) => t.name.startsWith('__'))).toBe(true); // not empty: __consumer_offsets is there
    const plain = await topicsList(memoryIo(), { ...common(), internal: false });
    expect(plain.map((t) => t.name)).not.toContain('__consumer_offsets');
  });

  it('describe counts messages per partition from earliest and latest offsets', async () => {
    const topic = await freshTopic('kt-desc', 2);
    await send(topic, ['a', 'b', 'c'], { partition: 1 });
    const io = memoryIo();
    await topicsDescribe(io, { ...common(), topics: [topic] });
    const d = JSON.parse(io.stdoutText());
    expect(d).toMatchObject({ topic, partitionCount: 2, replicationFactor: 1, underReplicated: 0, offline: 0, configs: {}, problems: [] });
    expect(d.partitions).toEqual([
      { partition: 0, leader: 1, replicas: [1], isr: [1], offline: false, earliest: 0, latest: 0, messages: 0, underReplicated: false },
      { partition: 1, leader: 1, replicas: [1], isr: [1], offline: false, earliest: 0, latest: 3, messages: 3, underReplicated: false },
    ]);
  });

  it('create on an existing topic fails unless --if-not-exists', async () => {
    const topic = await freshTopic('kt-exists', 1);
    await expect(topicsCreate(memoryIo(), { ...common(), topic, partitions: 3, configs: [], ifNotExists: false })).rejects.toMatchObject({ code: 'TOPIC_EXISTS', exitCode: 1 });
    const r = await topicsCreate(memoryIo(), { ...common(), topic, partitions: 3, configs: [], ifNotExists: true });
    expect(r).toMatchObject({ created: false, partitions: 1 });
  });

  it('a replication factor above the broker count fails, and the hint names the count', async () => {
    const e = await topicsCreate(memoryIo(), { ...common(), topic: uniqueName('kt-rf'), partitions: 1, replicationFactor: 3, configs: [], ifNotExists: false }).catch((x) => x);
    expect(e).toMatchObject({ code: 'INVALID_REPLICATION_FACTOR', exitCode: 1 });
    expect(e.hint).toContain('-r 1 or less');
  });

  it('a bad config value is refused by the broker as INVALID_CONFIG', async () => {
    const e = await topicsCreate(memoryIo(), { ...common(), topic: uniqueName('kt-badcfg'), partitions: 1, configs: [['retention.ms', 'soon']], ifNotExists: false }).catch((x) => x);
    expect(e).toMatchObject({ code: 'INVALID_CONFIG', exitCode: 1 });
  });

  it('alter of one config keeps the other configs set on the topic; --delete-config removes one', async () => {
    const topic = await freshTopic('kt-alter', 1, connection(), 1, { 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
    const io = memoryIo();
    const r = await topicsAlter(io, { ...common(), topic, set: [['max.message.bytes', '2048']], unset: [] });
    expect(r.configs).toEqual([{ name: 'max.message.bytes', before: null, after: '2048' }]);
    expect((await describeTopic(connection(), topic)).configs).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'compact', 'max.message.bytes': '2048' });

    await topicsAlter(memoryIo(), { ...common(), topic, set: [], unset: ['cleanup.policy'] });
    expect((await describeTopic(connection(), topic)).configs).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '2048' });
  });

  it('alter grows partitions and refuses to shrink them', async () => {
    const topic = await freshTopic('kt-parts', 2);
    const r = await topicsAlter(memoryIo(), { ...common(), topic, partitions: 4, set: [], unset: [] });
    expect(r.partitions).toEqual({ before: 2, after: 4 });
    await eventually(async () => ((await describeTopic(connection(), topic)).partitions.length === 4 ? true : undefined), 10_000, '4 partitions');
    await expect(topicsAlter(memoryIo(), { ...common(), topic, partitions: 3, set: [], unset: [] })).rejects.toMatchObject({
      code: 'INVALID_PARTITIONS',
      exitCode: 1,
      message: expect.stringContaining('cannot decrease'),
    });
  });

  it('alter with nothing to change is a usage error', async () => {
    await expect(topicsAlter(memoryIo(), { ...common(), topic: 'any', set: [], unset: [] })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('unknown topics: describe, alter and delete fail with UNKNOWN_TOPIC and delete removes nothing', async () => {
    const missing = uniqueName('kt-missing');
    await expect(topicsDescribe(memoryIo(), { ...common(), topics: [missing] })).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC', exitCode: 1 });
    await expect(topicsAlter(memoryIo(), { ...common(), topic: missing, partitions: 5, set: [], unset: [] })).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    const present = await freshTopic('kt-keep');
    await expect(topicsDelete(memoryIo(), { ...common(), topics: [present, missing], yes: true })).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC', message: expect.stringContaining(missing) });
    expect(await allTopicNames(connection())).toContain(present);
  });

  it('delete needs --yes without a terminal; with it, the topics go', async () => {
    const a = await freshTopic('kt-del');
    const b = await freshTopic('kt-del');
    await expect(topicsDelete(memoryIo(), { ...common(), topics: [a], yes: false })).rejects.toMatchObject({ exitCode: 2 });
    expect(await allTopicNames(connection())).toContain(a);
    const io = memoryIo();
    await topicsDelete(io, { ...common(), topics: [a, b], yes: true });
    expect(io.stdoutLines().map((l) => JSON.parse(l))).toEqual([{ topic: a, deleted: true }, { topic: b, deleted: true }]);
    await eventually(async () => ((await allTopicNames(connection())).some((t) => t === a || t === b) ? undefined : true), 15_000, 'topics to be gone');
  });
});

describe('ktopics on three brokers', () => {
  let stack: PrivateStack;
  let conn: ConnectionOptions;
  beforeAll(async () => {
    stack = await privateStack({ brokers: 3 });
    conn = { brokers: stack.state.bootstrap.split(','), timeoutMs: 15_000 };
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('replicas and ISR per partition; a killed broker makes its partitions under-replicated', async () => {
    const topic = uniqueName('kt-rf3');
    await topicsCreate(memoryIo(), { connection: conn, json: true, topic, partitions: 3, replicationFactor: 3, configs: [], ifNotExists: false });
    // Every broker has the topic (describe asks again while one lags), but one may not yet list all three replicas in sync.
    const before = await eventually(async () => {
      const d = await describeTopic(conn, topic);
      return d.partitions.every((p) => p.isr.length === 3) ? d : undefined;
    }, 30_000, `${topic} with three replicas in sync`);
    expect(before.replicationFactor).toBe(3);
    expect(before.partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3 && !p.underReplicated)).toBe(true);
    expect(before.underReplicated).toBe(0);

    // Stop a broker that is not the bootstrap one, so the admin client keeps its first contact point.
    await killBroker(stack, 3, 'SIGKILL');
    const after = await eventually(async () => {
      const d = await describeTopic({ ...conn, brokers: conn.brokers.slice(0, 1) }, topic).catch(() => undefined);
      return d && d.underReplicated === 3 ? d : undefined;
    }, 60_000, 'every partition under-replicated after broker 3 died');
    for (const p of after.partitions) {
      expect(p.isr).not.toContain(3);
      expect(p.replicas).toContain(3);
      expect(p.leader).not.toBe(3);
      expect(p.underReplicated).toBe(true);
    }
    // Each broker's metadata catches up on its own (a busy machine lags one by seconds), and kafkajs may ask any of them:
    // the human form is polled as the JSON one was.
    const text = await eventually(async () => {
      const io = memoryIo(undefined, { FORCE_COLOR: '1' });
      await topicsDescribe(io, { connection: { ...conn, brokers: conn.brokers.slice(0, 1) }, json: false, topics: [topic] }).catch(() => undefined);
      return io.stdoutText().includes('under-replicated 3') ? io.stdoutText() : undefined;
    }, 60_000, 'the human describe counting 3 under-replicated partitions');
    expect(text).toContain('\u001b[31m');
  }, 120_000);
});
