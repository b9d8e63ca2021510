// lib/stack/commands: input checks that must fail before anything starts.
import { describe, expect, it } from 'vitest';
import { upCommand } from '../../../lib/stack/commands.js';
import { memoryIo } from '../../support/kafka.js';

const base = { brokers: 1, zookeeper: false, kafka: '3.9', port: 9092, heap: '512m', config: [] as string[], timeoutMs: 1_000, json: false };
const paths = { cacheDir: '/nonexistent/cache', runDir: '/nonexistent/run' };

describe('upCommand input checks', () => {
  it.each([
    [{ brokers: 3, port: 65_534 }, /--port 65534 leaves no room: this stack needs ports 65534-65539/],
    [{ brokers: 1, port: 65_535 }, /needs ports 65535-65536/],
    [{ zookeeper: true, kafka: '4.1' }, /Kafka 4\.1\.1 has no ZooKeeper mode/],
    [{ kafka: '2.8' }, /unknown Kafka version "2\.8"/],
    [{ config: ['node.id=5'] }, /^--config node\.id: kstack sets node\.id itself$/],
    [{ config: ['log.retention.ms=1', 'listeners=PLAINTEXT://:9092'] }, /^--config listeners: kstack sets listeners itself$/],
    [{ config: ['auto.create.topics.enable'] }, /expected name=value/],
    [{ config: ['Auto.Create=1'] }, /"Auto\.Create" is not a broker property name/],
  ])('%j is a usage error (exit 2)', async (over, message) => {
    const io = memoryIo();
    await expect(upCommand(io, { ...base, ...over }, paths)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
    expect(io.stdoutText()).toBe('');
  });
});
