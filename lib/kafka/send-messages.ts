// kafkajs 2.2.4's producer/sendMessages.js with two data-losing retry bugs fixed (issue 7's leader-kill test found them).
// kafkajs tracked answers per broker and retried on the first failed request: a request to a live broker still in
// flight was sent again under new sequence numbers (stored twice, idempotence notwithstanding), and a partition whose
// new leader had already answered for other partitions was never re-sent (resolved without an offset: lost). This
// version tracks answers per topic-partition and retries only after every request of an attempt has settled, so a
// retry re-sends exactly the unanswered partitions with their original sequence numbers. Installed by patches.ts.
// The broker answers per partition (patches.ts keeps kafkajs from turning the first partition error into a throw for the
// whole request): a partition it stored is settled even if another failed, a retriable refusal re-sends only that
// partition, and one refused for good (MESSAGE_TOO_LARGE...) resolves with `error` and the records it held, so each
// record's fate is its own (lib/kafka/producer.ts reports them record by record).
import { createRequire } from 'node:module';
import { unknownPartition } from '../errors.js';
import { groupMessagesPerPartition } from './group-messages.js';
import { PartitionRecords } from './packed.js';
import { recycleRequest } from './produce-request.js';

const require = createRequire(import.meta.url);
const { KafkaJSMetadataNotLoaded, KafkaJSError } = require('kafkajs/src/errors.js');
const { staleMetadata, failure, createErrorFromCode } = require('kafkajs/src/protocol/error.js');
const createTopicData = require('kafkajs/src/producer/createTopicData.js');
const responseSerializer = require('kafkajs/src/producer/responseSerializer.js');

const { keys } = Object;

// Typed loosely (any) and formatted as kafkajs is (no semicolons): a port of untyped kafkajs internals, kept close to the original for review.
export function sendMessages({ logger, cluster, partitioner, eosManager, retrier }: any): (args: any) => Promise<any[]> {
  // Our partitioner (producer.ts) takes the cluster, whose metadata the lanes of keyless packed sends are made from.
  partitioner.attach?.(cluster)
  return async ({ acks, timeout, compression, topicMessages }: any) => {
    /** topic -> partition -> the broker's answer for that partition (responseSerializer shape) */
    const done = new Map<string, Map<number, any>>()
    const answered = (topic: string, partition: string | number): boolean => done.has(topic) && done.get(topic)!.has(Number(partition))

    /** The partitions the current attempt sends to: each must be answered before the send resolves. */
    let expected: Array<[string, string]> = []
    /** Retriable refusals of the current attempt, by partition: the first is what the retry reports if it runs out. */
    let refusals: any[] = []
    /**
     * topic -> partition -> its records, chosen once for the whole send: a keyless record re-partitioned on a retry could
     * move from a partition that was stored to one that was not (stored twice) or the other way (never sent, yet acked).
     */
    const assigned = new Map<string, Record<number, unknown>>()

    const createProducerRequests = async () => {
      expected = []
      refusals = []
      await cluster.refreshMetadataIfNecessary()
      /** nodeId -> [{ topic, partitions, messagesPerPartition }] */
      const perLeader = new Map<string, any[]>()

      for (const { topic, messages } of topicMessages) {
        const partitionMetadata = cluster.findTopicPartitionMetadata(topic)
        if (partitionMetadata.length === 0) {
          logger.debug('Producing to topic without metadata', { topic, targetTopics: Array.from(cluster.targetTopics) })
          throw new KafkaJSMetadataNotLoaded('Producing to topic without metadata')
        }
        const messagesPerPartition = assigned.get(topic) ?? groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner })
        assigned.set(topic, messagesPerPartition)
        const pending = keys(messagesPerPartition).filter((p) => !answered(topic, p))
        const known = new Set(partitionMetadata.map((m: any) => String(m.partitionId)))
        const unknown = pending.find((p) => !known.has(String(p)))
        if (unknown !== undefined) {
          // kafkajs dropped such records silently and resolved; they were never sent.
          // Our error rides as the cause (mapKafkaError returns it), worded as kproduce -p words it.
          throw new KafkaJSError(`topic ${topic} has no partition ${unknown}`, { retriable: false, cause: unknownPartition(topic, Number(unknown), partitionMetadata.length) })
        }
        for (const p of pending) expected.push([topic, p])
        const partitionsPerLeader = cluster.findLeaderForPartitions(topic, pending)
        for (const nodeId of keys(partitionsPerLeader)) {
          if (!perLeader.has(nodeId)) perLeader.set(nodeId, [])
          perLeader.get(nodeId)!.push({ topic, partitions: partitionsPerLeader[nodeId], messagesPerPartition })
        }
      }

      return Array.from(perLeader.entries()).map(async ([nodeId, topicDataForBroker]) => {
        const broker = await cluster.findBroker({ nodeId })
        const topicData = createTopicData(topicDataForBroker)
        // kafkajs holds a lock per broker until the answer, so that one request is in flight. Packed sends need none:
        // their sender keeps one in flight per partition (lanes.ts), and sequence numbers are per partition.
        const locked = !topicData.every(({ partitions }: any) => partitions.every((p: any) => p.messages instanceof PartitionRecords))
        if (locked) await eosManager.acquireBrokerLock(broker)
        try {
          if (eosManager.isTransactional()) {
            await eosManager.addPartitionsToTransaction(topicData)
          }
          topicData.forEach(({ topic, partitions }: any) => {
            partitions.forEach((entry: any) => {
              entry['firstSequence'] = eosManager.getSequence(topic, entry.partition)
              eosManager.updateSequence(topic, entry.partition, entry.messages.length)
            })
          })
          let response
          try {
            response = await broker.produce({
              transactionalId: eosManager.isTransactional() ? eosManager.getTransactionalId() : undefined,
              producerId: eosManager.getProducerId(),
              producerEpoch: eosManager.getProducerEpoch(),
              acks,
              timeout,
              compression,
              topicData,
            })
          } catch (e) {
            topicData.forEach(({ topic, partitions }: any) => {
              partitions.forEach((entry: any) => {
                eosManager.updateSequence(topic, entry.partition, -entry.messages.length)
              })
            })
            throw e
          }
          // Answered: the request's buffer may encode the next one (with acks 0 nothing says the bytes were written yet).
          if (acks !== 0) recycleRequest(topicData)
          const formatted = acks !== 0 ? responseSerializer(response) : topicData.flatMap(({ topic, partitions }: any) => partitions.map((p: any) => ({ topicName: topic, partition: p.partition })))
          for (const r of formatted) {
            if (acks !== 0 && failure(r.errorCode)) {
              const sent = topicData.find((t: any) => t.topic === r.topicName)?.partitions.find((p: any) => p.partition === Number(r.partition))
              // The broker stored nothing of this partition's batch: its sequence numbers are free again.
              if (sent) eosManager.updateSequence(r.topicName, sent.partition, -sent.messages.length)
              const error = createErrorFromCode(r.errorCode)
              if (error.retriable) {
                refusals.push(error)
                continue // unanswered: the next attempt sends it again
              }
              // Refused for good: settled, with the records it held, so the caller can tell which records failed.
              r.error = error
              r.messages = sent?.messages ?? []
            }
            if (!done.has(r.topicName)) done.set(r.topicName, new Map())
            done.get(r.topicName)!.set(Number(r.partition), r)
          }
        } finally {
          if (locked) await eosManager.releaseBrokerLock(broker)
        }
      })
    }

    const attempts = retrier(async (bail: (e: Error) => void, retryCount: number, retryTime: number) => {
      const topics = topicMessages.map(({ topic }: any) => topic)
      await cluster.addMultipleTargetTopics(topics)

      try {
        const requests = await createProducerRequests()
        // Wait for every request, not the first failure: one still in flight must not be sent again.
        const failure = (await Promise.allSettled(requests)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (failure) throw failure.reason
        // Never resolve without an answer for a partition that had records: retry it (it was not sent), never report it sent.
        const missing = acks !== 0 ? expected.find(([t, p]) => !answered(t, p)) : undefined
        if (missing) throw refusals[0] ?? new KafkaJSError(`no answer for ${missing[0]} partition ${missing[1]}`, { retriable: true })
        return acks !== 0 ? Array.from(done.values()).flatMap((m) => Array.from(m.values())) : []
      } catch (e: any) {
        if (e.name === 'KafkaJSConnectionClosedError') {
          cluster.removeBroker({ host: e.host, port: e.port })
        }

        if (!cluster.isConnected()) {
          logger.debug(`Cluster has disconnected, reconnecting: ${e.message}`, { retryCount, retryTime })
          await cluster.connect()
          await cluster.refreshMetadata()
          throw e
        }

        if (
          staleMetadata(e) ||
          e.name === 'KafkaJSMetadataNotLoaded' ||
          e.name === 'KafkaJSConnectionError' ||
          e.name === 'KafkaJSConnectionClosedError' ||
          (e.name === 'KafkaJSProtocolError' && e.retriable)
        ) {
          logger.error(`Failed to send messages: ${e.message}`, { retryCount, retryTime })
          await cluster.refreshMetadata()
          throw e
        }

        logger.error(`${e.message}`, { retryCount, retryTime })
        if (e.retriable) throw e
        bail(e)
      }
    })
    try {
      return await attempts
    } catch (e: any) {
      // The partitions stored before the send gave up: their records must not be reported as failed.
      if (e !== null && typeof e === 'object') e.settled = Array.from(done.values()).flatMap((m) => Array.from(m.values())).filter((r: any) => !r.error)
      throw e
    }
  }
}
