// The Kafka versions kstack can run, and the defaults the whole toolkit shares (one source of truth).

export type LoggingBackend = 'log4j1' | 'log4j2';

export interface KafkaVersion {
  /** What users type: `--kafka 3.9`. */
  line: string;
  /** The exact Apache Kafka release resolved from Maven Central. */
  version: string;
  /** The pom under lib/stack/maven/ that pins its jars. */
  pom: string;
  logging: LoggingBackend;
  zookeeper: boolean;
  /** `connect-file` (the FileStream connectors) on the worker's plugin.path: null where Maven Central has none. */
  fileConnectors?: null;
}

export const KAFKA_VERSIONS: readonly KafkaVersion[] = [
  // 3.9 is the Kafka inside Confluent Platform 7.9 (the compose stack), the last line with ZooKeeper.
  // Each line at its newest release on Maven Central when last bumped (December 2026): 3.9.2, and 4.4.0 for 4.x. The
  // 4.x line follows the newest 4.x release and is named by it, so `--kafka 4.1` from before is refused with the choices.
  { line: '3.9', version: '3.9.2', pom: 'kafka-3.9.pom.xml', logging: 'log4j1', zookeeper: true },
  // Maven Central has no connect-file 4.4.0 (the newest is 4.3.1, checked December 2026, and it needs a class 4.4's
  // clients no longer have): a 4.4 worker runs the connectors of --plugin only.
  { line: '4.4', version: '4.4.0', pom: 'kafka-4.4.pom.xml', logging: 'log4j2', zookeeper: false, fileConnectors: null },
];

export const DEFAULT_KAFKA_LINE = '3.9';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 9092;
export const DEFAULT_BROKERS = `${DEFAULT_HOST}:${DEFAULT_PORT}`;
/** Kafka Connect's REST port (its own default, and the compose stack's `connect` service). */
export const DEFAULT_CONNECT_PORT = 8083;
export const DEFAULT_CONNECT_URL = `http://${DEFAULT_HOST}:${DEFAULT_CONNECT_PORT}`;
/** Partitions of auto-created topics such as `teste`: enough to show a group splitting them. */
export const DEFAULT_PARTITIONS = 3;

/** Finds a version by line (`4.4`) or exact release (`4.4.0`); undefined if unknown. */
export function findKafkaVersion(name: string): KafkaVersion | undefined {
  return KAFKA_VERSIONS.find((v) => v.line === name || v.version === name);
}

/**
 * The docker compose stack (docker-compose.yml at the package root): Confluent Platform 7.9 carries Apache Kafka 3.9,
 * the default line above. A test checks that the compose file agrees with these values and with DEFAULT_PORT / DEFAULT_PARTITIONS.
 */
export const COMPOSE = {
  file: 'docker-compose.yml',
  /** One pinned tag for every Confluent image: the newest 7.9 patch release when it was last bumped (November 2026). */
  confluentTag: '7.9.11',
  /** Where containers (the app service) reach Kafka. */
  internalBootstrap: 'kafka:29092',
  controlCenterPort: 9021,
  /** The Kafka Connect worker (service `connect`, cp-kafka-connect), its REST API on DEFAULT_CONNECT_PORT. */
  connectService: 'connect',
  /**
   * The image's plugin path plus the directory where Confluent Platform 7.2+ keeps the FileStream connectors, off the
   * default path (https://docs.confluent.io/platform/current/connect/filestream_connector.html).
   */
  connectPluginPath: '/usr/share/java,/usr/share/confluent-hub-components,/usr/share/filestream-connectors',
  /** cp-schema-registry, published on localhost; Control Center and the app service use schemaRegistryInternal. */
  schemaRegistryPort: 8081,
  schemaRegistryInternal: 'http://schema-registry:8081',
  /** The topic the init step creates, with DEFAULT_PARTITIONS partitions. */
  topic: 'teste',
} as const;

/** What host clients pass as KAFKA_SCHEMA_REGISTRY_URL for the compose stack's registry. */
export const COMPOSE_REGISTRY_URL = `http://localhost:${COMPOSE.schemaRegistryPort}`;

/**
 * The Schema Registry `kstack up --registry` runs: Apicurio Registry's packaged app from Maven Central (Confluent's own is
 * not there), serving Confluent's API under apiPath. The compose stack runs Confluent's cp-schema-registry instead (COMPOSE).
 */
export const REGISTRY = {
  name: 'Apicurio Registry',
  version: '3.3.3',
  pom: 'apicurio-registry-3.3.pom.xml',
  /** Class file version 65: Java 21 or newer. */
  minJava: 21,
  apiPath: '/apis/ccompat/v7',
  /** Confluent's default port; the management interface (health) takes the next one. */
  defaultPort: 8081,
} as const;
