// kstack up --connect on three --secure brokers: the worker reaches Kafka over SASL_SSL (SCRAM) like any client, its
// internal topics are replicated three times, and a connector's own clients authenticate too.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { connectStack, type ConnectStack } from '../support/connect.js';
import { runLocalStackTests } from '../support/java.js';
import { eventually } from '../support/kafka.js';

let stack: ConnectStack;
beforeAll(async () => {
  if (runLocalStackTests) stack = await connectStack({ brokers: 3, secure: true });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

describe.runIf(runLocalStackTests).sequential('Connect on a secured three-broker stack', () => {
  it('the worker uses the SASL_SSL listeners with SCRAM, for itself and for connectors', () => {
    const props = readFileSync(join(stack.paths.runDir, 'nodes', 'connect', 'connect-distributed.properties'), 'utf8');
    expect(props).toContain(`bootstrap.servers=${stack.state.secure!.listeners.saslSsl}`);
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(props).toContain(`\n${prefix}security.protocol=SASL_SSL\n`);
      expect(props).toContain(`\n${prefix}sasl.mechanism=SCRAM-SHA-256\n`);
    }
  });

  it('internal topics have replication factor 3', async () => {
    // Just created: a broker that has not had the new metadata yet says the topic does not exist, so poll.
    const topics = await eventually(async () => {
      const r = await run('ktopics', ['describe', 'connect-configs', 'connect-offsets', 'connect-status', '--json', '-b', stack.bootstrap]);
      return r.code === 0 ? r.stdout.trim().split('\n').map((l) => JSON.parse(l)) : undefined;
    }, 30_000, 'ktopics describe');
    expect(topics.map((t) => [t.topic, t.replicationFactor])).toEqual([
      ['connect-configs', 3],
      ['connect-offsets', 3],
      ['connect-status', 3],
    ]);
  });

  it('a source connector writes through the secured listener: the lines reach the topic', async () => {
    const file = join(stack.paths.runDir, 'in.txt');
    writeFileSync(file, 'alpha\nbeta\n');
    const r = await stack.kconnect(['create', 'secure-src', '--class', 'FileStreamSource', '--config', `file=${file}`, '--config', 'topic=secure-lines', '--config', 'value.converter=org.apache.kafka.connect.storage.StringConverter', '--wait', 'running']);
    expect(r.code).toBe(0);
    const profile = stack.state.secure!.configFile;
    const seen = await eventually(async () => {
      // KAFKA_BROKERS of the test run would win over the profile's brokers.
      const c = await run('kconsume', ['secure-lines', '--profile', 'kstack-sasl-ssl', '--from-beginning', '-e', '--raw'], { env: { KTOOL_CONFIG: profile, KAFKA_BROKERS: stack.state.secure!.listeners.saslSsl } });
      const lines = c.stdout.split('\n').filter(Boolean).sort();
      return lines.length >= 2 ? lines : undefined;
    }, 60_000, 'the lines over SASL_SSL');
    expect(seen).toEqual(['alpha', 'beta']);
  });
});
