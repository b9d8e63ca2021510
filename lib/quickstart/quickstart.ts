// npm run quickstart: a Kafka to talk to (an existing one, else kstack starts one), "hello" sent to teste and read back, then what to try next.
import { DEFAULT_TIMEOUT_MS } from '../cli/connection.js';
import { paint } from '../cli/style.js';
import { consume } from '../consume/consume.js';
import { err, type Io } from '../io.js';
import { createTopic, describeBrokers, type ConnectionOptions } from '../kafka/index.js';
import { produce } from '../produce/produce.js';
import { upCommand } from '../stack/commands.js';
import { DEFAULT_BROKERS, DEFAULT_KAFKA_LINE, DEFAULT_PARTITIONS, DEFAULT_PORT } from '../stack/versions.js';

export const QUICKSTART_TOPIC = 'teste';

export async function quickstart(io: Io, signal?: AbortSignal): Promise<void> {
  const c = paint(io, 'stderr');
  const step = (text: string) => err(io, `\n${c.bold(text)}`);
  const brokers = (io.env.KAFKA_BROKERS ?? DEFAULT_BROKERS).split(',');
  const connection: ConnectionOptions = { brokers, timeoutMs: DEFAULT_TIMEOUT_MS };

  step(`1. A Kafka at ${brokers.join(',')}`);
  if (await answers({ ...connection, timeoutMs: 1_500 })) {
    err(io, `already running: using it`);
  } else if (io.env.KAFKA_BROKERS) {
    // Someone pointed us at their cluster: do not start another one in its place.
    await describeBrokers(connection);
  } else {
    await upCommand({ ...io, stdout: io.stderr }, { brokers: 1, zookeeper: false, kafka: DEFAULT_KAFKA_LINE, port: DEFAULT_PORT, heap: '512m', config: [], json: false });
  }

  step(`2. Topic ${QUICKSTART_TOPIC} (${DEFAULT_PARTITIONS} partitions)`);
  const created = await createTopic(connection, QUICKSTART_TOPIC, DEFAULT_PARTITIONS);
  err(io, created ? 'created' : 'exists already');

  step(`3. kproduce ${QUICKSTART_TOPIC} hello`);
  const sent = await produce(io, { connection, topic: QUICKSTART_TOPIC, source: { kind: 'args', values: ['hello'] }, acks: -1, report: 'each', json: false, ...(signal ? { signal } : {}) });
  const at = sent.deliveries[0];
  if (!at || at.offset === null) throw new Error('the broker acknowledged "hello" without an offset');

  step(`4. kconsume ${QUICKSTART_TOPIC} -p ${at.partition} -o ${at.offset} -n 1`);
  await consume(io, {
    connection,
    topics: [QUICKSTART_TOPIC],
    partitions: [at.partition],
    startAt: { from: 'offset', offset: BigInt(at.offset) },
    fromBeginning: false,
    maxMessages: 1,
    exitAtEnd: false,
    output: { kind: 'pretty', verbose: false },
    ...(signal ? { signal } : {}),
  });

  const env = brokers.join(',') === DEFAULT_BROKERS ? '' : `KAFKA_BROKERS=${brokers.join(',')} `;
  step('It works. Try next:');
  const tips: Array<[string, string]> = [
    [`${env}npx kconsume ${QUICKSTART_TOPIC} -g g1 --from-beginning`, 'in three terminals: the group splits the partitions'],
    [`${env}npx kproduce ${QUICKSTART_TOPIC} -k user-1 one two three`, 'same key, same partition, in order'],
    [`${env}npx kconsume ${QUICKSTART_TOPIC} -g g2 --from-beginning -e`, 'another group sees everything again'],
    [`${env}npx kconsume ${QUICKSTART_TOPIC} --since 1h -e`, 'replay by time'],
    ['npx kstack down', 'stop the local Kafka (npx kstack up starts it again)'],
  ];
  const width = Math.max(...tips.map(([cmd]) => cmd.length));
  for (const [cmd, why] of tips) err(io, `  ${cmd.padEnd(width)}  ${c.dim(`# ${why}`)}`);
  err(io, '  README.md "Concepts, hands on" walks through partitions, groups, replay and acks.');
}

async function answers(connection: ConnectionOptions): Promise<boolean> {
  try {
    await describeBrokers(connection);
    return true;
  } catch {
    return false;
  }
}
