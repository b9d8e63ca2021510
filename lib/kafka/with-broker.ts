// kafkajs 2.2.4's BrokerPool#withBroker (cluster metadata for listTopics and fetchTopicMetadata, group coordinator
// lookups) tried the pool's brokers in a random order and connected to each *outside* its try: a broker the metadata
// still lists after it died (not yet fenced, or never, once the KRaft quorum is lost) refused the connection and
// failed the whole call, though another broker was connected and answering. CI's dead-brokers test saw
// `ktopics describe` exit 3 that way ("could not reach broker … (the cluster's metadata still lists it; … answered)").
// This one asks connected brokers first, goes on to the next broker when one cannot be reached, and throws a
// connection error only when no broker could be reached. Installed by patches.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const shuffle = require('kafkajs/src/utils/shuffle.js') as <T>(xs: T[]) => T[];
const { KafkaJSBrokerNotFound } = require('kafkajs/src/errors.js');

type Broker = { isConnected(): boolean };
export type Pool = { brokers: Record<string, Broker>; findBroker(args: { nodeId: string }): Promise<Broker> };

export async function withBroker<T>(this: Pool, callback: (args: { nodeId: string; broker: Broker }) => Promise<T>): Promise<T | null> {
  const ids = shuffle(Object.keys(this.brokers));
  if (ids.length === 0) throw new KafkaJSBrokerNotFound('No brokers in the broker pool');
  // A stable sort keeps the random order among the connected, and among the others.
  ids.sort((a, b) => Number(this.brokers[b]!.isConnected()) - Number(this.brokers[a]!.isConnected()));
  let unreachable: unknown;
  let reached = false;
  for (const nodeId of ids) {
    let broker: Broker;
    try {
      broker = await this.findBroker({ nodeId });
    } catch (e) {
      unreachable = e;
      continue;
    }
    reached = true;
    try {
      return await callback({ nodeId, broker });
    } catch {
      // as kafkajs: the next broker is asked
    }
  }
  if (!reached) throw unreachable;
  return null;
}
