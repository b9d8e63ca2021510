// kproduce's defaults, apart from lib/produce/produce.ts so that declaring the command (and --help) loads no Kafka client.

// librdkafka's (kcat's) batch.num.messages and the Java producer's max.request.size.
export const DEFAULT_BATCH_SIZE = 10_000;
export const DEFAULT_BATCH_BYTES = 1024 * 1024;
/**
 * A packed batch's size as encoded (lib/produce/queue.ts): librdkafka's batch.size. One partition may take it whole
 * (lib/kafka/lanes.ts), and it stays under the broker's default limit for one batch (message.max.bytes, 1 MiB + 12).
 */
export const PACKED_BATCH_BYTES = 1_000_000;
export const DEFAULT_LINGER_MS = 5; // Kafka 4.0's linger.ms default (KIP-1030)
/**
 * How long one batch may wait for its acknowledgement, retries included: long enough to ride out a leader failover
 * (a dead broker is fenced after ~9 s). The Java producer's delivery.timeout.ms is 120 s; librdkafka's 300 s.
 */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 30_000;
