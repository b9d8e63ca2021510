// The benchmark's floor for a one-shot produce on Node: no client library, one socket, the four round trips an
// idempotent producer needs (ApiVersions, Metadata, InitProducerId, Produce with one record), written and read by hand.
// What a Node CLI cannot go below on this machine; kproduce's one-shot is set beside it.
//   floor BROKER TOPIC      produces "hello" to partition 0 of TOPIC at BROKER (its leader: the bench's one broker)
//   floor BROKER TOPIC --cli  the same after loading commander and parsing the command line with it, as a CLI must
import { connect, type Socket } from 'node:net';
import { encodeProduceRequest } from '../lib/kafka/produce-request.js';
import { requestHeader } from '../lib/kafka/request-header.js';

const [broker = '', topic = ''] = process.argv.slice(2);
const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];

/** Frames a request (header v1: api key, version, correlation id, client id) and resolves with the response body. */
function roundTrip(socket: Socket, apiKey: number, version: number, body: Buffer, id: number): Promise<Buffer> {
  socket.write(Buffer.concat([requestHeader(apiKey, version, id, 'floor', body.length), body]));
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4 || got.length < 4 + got.readInt32BE(0)) return;
      socket.off('data', onData);
      if (got.readInt32BE(4) !== id) reject(new Error(`correlation id ${got.readInt32BE(4)}, expected ${id}`));
      else resolve(got.subarray(8, 4 + got.readInt32BE(0)));
    };
    socket.on('data', onData);
  });
}

const string = (s: string) => {
  const b = Buffer.alloc(2 + Buffer.byteLength(s));
  b.writeInt16BE(b.length - 2, 0);
  b.write(s, 2);
  return b;
};

async function main(): Promise<void> {
  if (process.argv.includes('--cli')) {
    const { Command } = await import('commander');
    new Command('floor').argument('<broker>').argument('<topic>').option('--cli', 'load commander first').parse();
  }
  const socket = connect({ host, port, noDelay: true });
  socket.on('error', (e) => {
    process.stderr.write(`floor: ${e.message}\n`);
    process.exit(1);
  });
  await new Promise((r) => socket.once('connect', r));
  await roundTrip(socket, 18, 0, Buffer.alloc(0), 1); // ApiVersions
  await roundTrip(socket, 3, 1, Buffer.concat([Buffer.from([0, 0, 0, 1]), string(topic)]), 2); // Metadata for TOPIC
  const init = await roundTrip(socket, 22, 0, Buffer.from([0xff, 0xff, 0, 0, 0xea, 0x60]), 3); // InitProducerId, no transactional id
  if (init.readInt16BE(4) !== 0) throw new Error(`InitProducerId: error code ${init.readInt16BE(4)}`);
  const producerId = init.readBigInt64BE(6);
  const body = await encodeProduceRequest(
    { acks: -1, timeout: 30_000, producerId, producerEpoch: init.readInt16BE(14), topicData: [{ topic, partitions: [{ partition: 0, firstSequence: 0, messages: [{ value: 'hello' }] }] }] },
    () => Promise.reject(new Error('no compression here')),
  );
  const produced = await roundTrip(socket, 0, 3, body, 4);
  // topics [name, partitions [partition, error code, base offset, ...]]: one topic, one partition
  const at = 4 + 2 + produced.readInt16BE(4) + 4 + 4;
  if (produced.readInt16BE(at) !== 0) throw new Error(`Produce: error code ${produced.readInt16BE(at)}`);
  socket.end();
}

await main();
