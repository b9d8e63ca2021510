// kafkajs's BrokerPool#withBroker as patched (lib/kafka/with-broker.ts): a dead broker the metadata still lists must
// not fail a call that a live broker can answer, whatever order the pool's shuffle gives.
import { describe, expect, it } from 'vitest';
import '../../../lib/kafka/patches.js';
import { withBroker, type Pool } from '../../../lib/kafka/with-broker.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A pool of live and dead brokers: a dead one refuses connections as kafkajs's connectBroker reports it. */
function pool(states: Record<string, 'connected' | 'dead' | 'idle'>): Pool & { connects: string[] } {
  const connects: string[] = [];
  const brokers = Object.fromEntries(Object.entries(states).map(([id, s]) => [id, { id, isConnected: () => s === 'connected' }]));
  return {
    brokers,
    connects,
    async findBroker({ nodeId }) {
      connects.push(nodeId);
      if (states[nodeId] === 'dead') throw Object.assign(new Error(`Connection error: connect ECONNREFUSED (broker ${nodeId})`), { name: 'KafkaJSConnectionError' });
      return brokers[nodeId]!;
    },
  };
}

describe('withBroker (kafkajs BrokerPool, patched)', () => {
  it('answers from the live broker however the dead ones are ordered (kafkajs failed on the first dead one it drew)', async () => {
    for (let i = 0; i < 40; i++) {
      const p = pool({ 1: 'connected', 2: 'dead', 3: 'dead' });
      const answer = await withBroker.call(p, async ({ nodeId }) => `metadata from ${nodeId}`);
      expect(answer).toBe('metadata from 1');
      expect(p.connects[0]).toBe('1'); // the connected broker first: no connection attempt to a dead one at all
    }
  });

  it('goes past a dead broker to one not yet connected', async () => {
    for (let i = 0; i < 20; i++) {
      const p = pool({ 2: 'dead', 3: 'idle' });
      expect(await withBroker.call(p, async ({ nodeId }) => nodeId)).toBe('3');
    }
  });

  it('asks the next broker when one fails the call, and gives null when all do (as kafkajs)', async () => {
    const p = pool({ 1: 'connected', 2: 'idle' });
    const asked: string[] = [];
    expect(await withBroker.call(p, async ({ nodeId }) => (asked.push(nodeId), Promise.reject(new Error('no'))))).toBeNull();
    expect(asked.sort()).toEqual(['1', '2']);
  });

  it('throws the connection error when no broker can be reached', async () => {
    await expect(withBroker.call(pool({ 2: 'dead', 3: 'dead' }), async () => 'x')).rejects.toMatchObject({ name: 'KafkaJSConnectionError' });
  });

  it('is what kafkajs uses once patches.ts has run', () => {
    expect(require('kafkajs/src/cluster/brokerPool.js').prototype.withBroker).toBe(withBroker);
  });
});
