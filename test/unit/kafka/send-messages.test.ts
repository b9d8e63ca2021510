// lib/kafka/send-messages: a retry re-sends exactly the records of the partitions the broker did not store, on the
// partitions first chosen for them. The cluster, broker and producer state are fakes: this is the retry logic alone.
import { describe, expect, it } from 'vitest';
import { sendMessages } from '../../../lib/kafka/send-messages.js';

const NOT_LEADER_OR_FOLLOWER = 6;

function fakes(choices: number[]) {
  const stored: Array<{ partition: number; values: string[]; firstSequence: number }> = [];
  let produceCalls = 0;
  const broker = {
    async produce({ topicData }: any) {
      produceCalls += 1;
      const partitions = topicData[0].partitions.map((p: any) => {
        // The first request's partition 1 is refused (a leader moving); everything else is stored.
        const refused = produceCalls === 1 && p.partition === 1;
        if (!refused) stored.push({ partition: p.partition, values: p.messages.map((m: any) => m.value), firstSequence: p.firstSequence });
        return { partition: p.partition, errorCode: refused ? NOT_LEADER_OR_FOLLOWER : 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' };
      });
      return { topics: [{ topicName: topicData[0].topic, partitions }] };
    },
  };
  const sequences = new Map<number, number>();
  const deps = {
    logger: { debug() {}, error() {} },
    cluster: {
      async refreshMetadataIfNecessary() {},
      async refreshMetadata() {},
      async addMultipleTargetTopics() {},
      isConnected: () => true,
      removeBroker() {},
      findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1 })),
      findLeaderForPartitions: (_t: string, partitions: string[]) => ({ 1: partitions.map(Number) }),
      async findBroker() {
        return broker;
      },
    },
    // Keyless records: a partition per call, as a random or round-robin partitioner gives.
    partitioner: () => choices.shift()!,
    eosManager: {
      isTransactional: () => false,
      async acquireBrokerLock() {},
      async releaseBrokerLock() {},
      getSequence: (_t: string, p: number) => sequences.get(p) ?? 0,
      updateSequence: (_t: string, p: number, n: number) => sequences.set(p, (sequences.get(p) ?? 0) + n),
      getProducerId: () => 1,
      getProducerEpoch: () => 0,
    },
    retrier: async (fn: (bail: (e: Error) => void, n: number, t: number) => Promise<unknown>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn((e) => {
            throw e;
          }, attempt, 0);
        } catch (e) {
          if (attempt === 4) throw e;
        }
      }
    },
  };
  return { deps, stored, produceCalls: () => produceCalls };
}

describe('sendMessages retries', () => {
  it('re-sends a refused partition with the records first put there, each record stored once', async () => {
    // First attempt: a -> 0, b -> 1 (refused). A retry that asked the partitioner again would get b -> 0, a -> 1.
    const { deps, stored, produceCalls } = fakes([0, 1, 1, 0]);
    const send = sendMessages(deps);
    const answers = await send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: 't', messages: [{ key: null, value: 'a' }, { key: null, value: 'b' }] }] });
    expect(produceCalls()).toBe(2);
    expect(stored).toEqual([
      { partition: 0, values: ['a'], firstSequence: 0 },
      { partition: 1, values: ['b'], firstSequence: 0 },
    ]);
    expect(answers.map((a: any) => [a.partition, a.errorCode])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });
});
