// The codec names users type (-z), apart from the producer so that declaring a command loads no Kafka client.
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
