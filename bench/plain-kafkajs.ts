// The benchmark's "plain kafkajs" tool: stock kafkajs 2.2.4 (without lib/kafka/patches.ts) at the settings that
// suit it best, so the table shows what our client library gives on its own. It imports kafkajs directly on purpose.
//   produce BROKERS TOPIC < lines     one record per line, idempotent, acks=all
//   consume BROKERS TOPIC COUNT       values to stdout, one per line, until COUNT records
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
// Stock kafkajs regroups a batch per message (quadratic), so smaller requests than ours are its sweet spot.
const BATCH = 1_000;

async function produce(brokers: string[], topic: string): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let batch: Array<{ value: Buffer }> = [];
  let rest: Buffer = Buffer.alloc(0);
  const flush = async () => {
    if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
    batch = [];
  };
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    const data: Buffer = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, start)) {
      batch.push({ value: data.subarray(start, at) });
      start = at + 1;
      if (batch.length >= BATCH) await flush();
    }
    rest = data.subarray(start);
  }
  if (rest.length) batch.push({ value: rest });
  await flush();
  await producer.disconnect();
}

async function consume(brokers: string[], topic: string, count: number): Promise<void> {
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `plain-kafkajs-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        const out: Buffer[] = [];
        for (const m of batch.messages) {
          if (m.value) out.push(m.value);
          out.push(Buffer.from('\n'));
        }
        process.stdout.write(Buffer.concat(out));
        seen += batch.messages.length;
        if (seen >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
}

const [mode, brokers, topic, count] = process.argv.slice(2);
if (!brokers || !topic || (mode !== 'produce' && mode !== 'consume')) {
  process.stderr.write('usage: plain-kafkajs produce|consume BROKERS TOPIC [COUNT]\n');
  process.exit(2);
}
await (mode === 'produce' ? produce(brokers.split(','), topic) : consume(brokers.split(','), topic, Number(count)));
