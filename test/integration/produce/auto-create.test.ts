// A broker started with `--config auto.create.topics.enable=false`: unknown topics are clear errors, never a hang.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import type { ConnectionOptions } from '../../../lib/kafka/index.js';
import { consume, type ConsumeOptions } from '../../../lib/consume/consume.js';
import { produce } from '../../../lib/produce/produce.js';
import { statusCommand } from '../../../lib/stack/commands.js';
import { localProvider } from '../../../lib/stack/index.js';
import { findKafkaVersion } from '../../../lib/stack/versions.js';
import { connection, freshTopic, memoryIo, uniqueName } from '../../support/kafka.js';
import { privateStack, type PrivateStack } from '../../support/stack.js';
import { runLocalStackTests } from '../../support/java.js';

const TIMEOUT_MS = 10_000;
let stack: PrivateStack;
let conn: ConnectionOptions;

beforeAll(async () => {
  stack = await privateStack({ config: ['auto.create.topics.enable=false'] });
  conn = { ...connection(stack.state.bootstrap), timeoutMs: TIMEOUT_MS };
});

afterAll(async () => {
  await stack?.stop();
});

/** Awaits the promise and returns what it rejected with, and after how long. */
async function rejection(run: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await run();
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
  throw new Error('expected a rejection, but it resolved');
}

/** UNKNOWN_TOPIC, exit 1, and a hint that says who may create topics and how to create this one (named in both when the caller knew it). */
function expectUnknownTopic(error: unknown, topic?: string): void {
  expect(error).toBeInstanceOf(KtoolError);
  expect(error).toMatchObject({ code: 'UNKNOWN_TOPIC', exitCode: 1, message: expect.stringMatching(/does not exist/) });
  const hint = (error as KtoolError).hint;
  expect(hint).toContain('kproduce does only where the broker allows it (auto.create.topics.enable=true');
  expect(hint).toMatch(/`ktopics create \S+`/);
  if (topic !== undefined) {
    expect((error as KtoolError).message).toContain(`"${topic}"`);
    expect(hint).toContain(`\`ktopics create ${topic}\``);
  }
}

describe.runIf(runLocalStackTests).sequential('a broker with auto.create.topics.enable=false', () => {
  it('writes the override into every broker config and records it in state.json', () => {
    expect(stack.state.config).toEqual({ 'auto.create.topics.enable': 'false' });
    const configFile = stack.state.processes[0]!.marker;
    expect(readFileSync(configFile, 'utf8').split('\n')).toContain('auto.create.topics.enable=false');

    const io = memoryIo();
    statusCommand(io, { json: true }, stack.paths);
    expect(JSON.parse(io.stdoutText())).toMatchObject({ running: true, config: { 'auto.create.topics.enable': 'false' } });
  });

  it('treats a second up with the same overrides as already running, and refuses other overrides', async () => {
    const again = (config: Record<string, string>) =>
      localProvider.up({ brokers: 1, mode: 'kraft', kafka: findKafkaVersion('3.9')!, host: '127.0.0.1', basePort: stack.basePort, heap: '384m', config, timeoutMs: TIMEOUT_MS, paths: stack.paths });
    const same = await again({ 'auto.create.topics.enable': 'false' });
    expect(same.alreadyRunning).toBe(true);
    expect(same.state.processes[0]!.pid).toBe(stack.state.processes[0]!.pid);
    const others: Array<Record<string, string>> = [{}, { 'auto.create.topics.enable': 'true' }, { 'auto.create.topics.enable': 'false', 'log.retention.ms': '60000' }];
    for (const other of others) {
      await expect(again(other)).rejects.toMatchObject({ code: 'STACK_RUNNING', exitCode: 2, message: expect.stringContaining('config auto.create.topics.enable=false') });
    }
  });

  it('fails producing to a topic that does not exist, within the timeout, with UNKNOWN_TOPIC and how to create it', async () => {
    const topic = uniqueName('missing');
    const io = memoryIo();
    const { error, elapsedMs } = await rejection(() =>
      // A send is bounded by its delivery timeout (kproduce --delivery-timeout); here the same as --timeout.
      produce(io, { connection: conn, topic, source: { kind: 'args', values: ['x'] }, acks: -1, report: 'each', json: true, deliveryTimeoutMs: TIMEOUT_MS }),
    );
    expectUnknownTopic(error, topic);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
    // The delivery report says the message failed; nothing claims an offset.
    expect(io.stdoutLines().map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ topic, offset: null, error: expect.stringContaining('does not exist') })]);
  });

  it('still produces to a topic that exists', async () => {
    const topic = await freshTopic('exists', 1, conn);
    const io = memoryIo();
    const result = await produce(io, { connection: conn, topic, source: { kind: 'args', values: ['x'] }, acks: -1, report: 'each', json: true });
    expect(result).toMatchObject({ acknowledged: 1, failed: 0 });
    expect(io.stdoutLines().map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ topic, partition: 0, offset: 0 })]);
  });

  it.each<{ what: string; over: Partial<ConsumeOptions> }>([
    // -e looks the partitions' offsets up first, an admin call.
    { what: 'to the end (-e)', over: { exitAtEnd: true } },
    // Without -e the subscribe itself fails. The idle stop only guards against a hang.
    { what: 'in a group, without -e', over: { exitAtEnd: false, groupId: uniqueName('g'), idleTimeoutMs: 3 * TIMEOUT_MS } },
  ])('fails consuming a topic that does not exist, $what, with UNKNOWN_TOPIC naming it', async ({ over }) => {
    const topic = uniqueName('missing');
    const { error, elapsedMs } = await rejection(() =>
      consume(memoryIo(), { connection: conn, topics: [topic], fromBeginning: true, exitAtEnd: true, output: { kind: 'json' }, ...over }),
    );
    expectUnknownTopic(error, topic);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
  });
});
