// docker-compose.yml against the values the code uses (lib/stack/versions.ts): ports, listeners, topic, tags, health.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../../lib/stack/paths.js';
import { CONNECT_TOPICS } from '../../../lib/stack/connect/worker.js';
import { COMPOSE, COMPOSE_REGISTRY_URL, DEFAULT_CONNECT_PORT, DEFAULT_KAFKA_LINE, DEFAULT_PARTITIONS, DEFAULT_PORT, findKafkaVersion } from '../../../lib/stack/versions.js';

interface Service {
  image?: string;
  build?: string | { context: string };
  hostname?: string;
  profiles?: string[];
  ports?: unknown[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; interval?: string; timeout?: string; retries?: number; start_period?: string };
  command?: string[] | string;
  restart?: string;
  init?: boolean;
}

const compose = parse(readFileSync(join(packageRoot(), COMPOSE.file), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`${COMPOSE.file} has no service ${name}`);
  return s;
}

function env(name: string, key: string): string {
  const value = service(name).environment?.[key];
  if (value === undefined) throw new Error(`service ${name} does not set ${key}`);
  return String(value);
}

/** `NAME://host:port,...` (a listeners setting) as a map from listener name to host:port. */
function listeners(value: string): Map<string, string> {
  return new Map(value.split(',').map((l) => {
    const m = /^([A-Z_]+):\/\/(.*)$/.exec(l.trim());
    if (!m) throw new Error(`not a listener: ${l}`);
    return [m[1] as string, m[2] as string];
  }));
}

/** Published ports as "host:container" strings (short syntax, quoted so YAML 1.1 never reads them as numbers). */
function ports(name: string): string[] {
  return (service(name).ports ?? []).map((p) => {
    if (typeof p !== 'string') throw new Error(`service ${name}: port ${JSON.stringify(p)} is not a quoted "host:container" string`);
    return p;
  });
}

const portOf = (hostPort: string) => Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
const dependencies = (s: Service): Record<string, { condition?: string }> =>
  Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, {}])) : (s.depends_on ?? {});
const startedByDefault = (s: Service) => (s.profiles ?? []).length === 0;

/** The services that run once and exit: no health check, by design. Each line says why. */
const ONE_SHOT: Record<string, string> = {
  'init-topics': 'creates the topic and exits 0',
  app: 'runs one kproduce/kconsume command per `docker compose run`',
};

/** Which Apache Kafka line each Confluent Platform 7.x minor carries (Confluent's interoperability table: 7.N = 3.N). */
const CONFLUENT_KAFKA_LINE: Record<string, string> = {
  '7.4': '3.4', '7.5': '3.5', '7.6': '3.6', '7.7': '3.7', '7.8': '3.8', '7.9': '3.9',
};

describe(COMPOSE.file, () => {
  it.each([
    { name: 'zookeeper', profiles: [] },
    { name: 'kafka', profiles: [] },
    { name: 'init-topics', profiles: [] },
    { name: 'control-center', profiles: [] },
    { name: 'schema-registry', profiles: [] },
    { name: 'connect', profiles: [] },
    { name: 'app', profiles: ['app'] },
    { name: 'kafka-kraft', profiles: ['kraft'] },
    { name: 'kafdrop', profiles: ['ui'] },
  ])('has service $name, in profiles $profiles', ({ name, profiles }) => {
    expect(service(name).profiles ?? []).toEqual(profiles);
  });

  it('has no other services', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'connect', 'control-center', 'init-topics', 'kafdrop', 'kafka', 'kafka-kraft', 'schema-registry', 'zookeeper']);
  });

  it.each([
    { name: 'zookeeper', image: `confluentinc/cp-zookeeper:${COMPOSE.confluentTag}` },
    { name: 'kafka', image: `confluentinc/cp-kafka:${COMPOSE.confluentTag}` },
    { name: 'init-topics', image: `confluentinc/cp-kafka:${COMPOSE.confluentTag}` },
    { name: 'control-center', image: `confluentinc/cp-enterprise-control-center:${COMPOSE.confluentTag}` },
    { name: 'schema-registry', image: `confluentinc/cp-schema-registry:${COMPOSE.confluentTag}` },
    { name: 'connect', image: `confluentinc/cp-kafka-connect:${COMPOSE.confluentTag}` },
    { name: 'kafka-kraft', image: `apache/kafka:${findKafkaVersion('4.4')?.version}` },
    { name: 'kafdrop', image: 'obsidiandynamics/kafdrop:4.2.0' },
  ])('runs $name from $image', ({ name, image }) => {
    expect(service(name).image).toBe(image);
  });

  it.each(Object.keys(services).filter((n) => service(n).image !== undefined))('pins %s to an exact release (no latest, no variable)', (name) => {
    const image = service(name).image as string;
    expect(image).not.toContain('$');
    expect(image).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/);
  });

  it('uses Confluent Platform 7.9, whose Kafka is the default line, the last with ZooKeeper', () => {
    expect(COMPOSE.confluentTag).toMatch(/^7\.9\.\d+$/);
    const minor = COMPOSE.confluentTag.split('.').slice(0, 2).join('.');
    expect(CONFLUENT_KAFKA_LINE[minor]).toBe(DEFAULT_KAFKA_LINE);
    expect(findKafkaVersion(DEFAULT_KAFKA_LINE)?.zookeeper).toBe(true);
  });

  describe('kafka', () => {
    const advertised = listeners(env('kafka', 'KAFKA_ADVERTISED_LISTENERS'));
    const bound = listeners(env('kafka', 'KAFKA_LISTENERS'));

    it(`publishes ${DEFAULT_PORT} and advertises it to host clients as localhost:${DEFAULT_PORT}`, () => {
      expect(ports('kafka')).toEqual([`${DEFAULT_PORT}:${DEFAULT_PORT}`]);
      expect(advertised.get('PLAINTEXT_HOST')).toBe(`localhost:${DEFAULT_PORT}`);
    });

    it(`advertises ${COMPOSE.internalBootstrap} to containers, and brokers talk there`, () => {
      expect(advertised.get('PLAINTEXT')).toBe(COMPOSE.internalBootstrap);
      expect(service('kafka').hostname).toBe(COMPOSE.internalBootstrap.split(':')[0]);
      expect(env('kafka', 'KAFKA_INTER_BROKER_LISTENER_NAME')).toBe('PLAINTEXT');
    });

    it('binds every advertised listener on all interfaces, on the advertised port, with a protocol', () => {
      const protocols = listeners(env('kafka', 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP').replace(/:/g, '://'));
      expect([...bound.keys()].sort()).toEqual([...advertised.keys()].sort());
      for (const [name, address] of advertised) {
        expect(bound.get(name)).toBe(`0.0.0.0:${portOf(address)}`);
        expect(protocols.get(name)).toBe('PLAINTEXT');
      }
    });

    it.each([
      ['KAFKA_ZOOKEEPER_CONNECT', 'zookeeper:2181'],
      ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', '1'],
      ['KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', '1'],
      ['KAFKA_TRANSACTION_STATE_LOG_MIN_ISR', '1'],
      ['KAFKA_AUTO_CREATE_TOPICS_ENABLE', 'true'],
      ['KAFKA_NUM_PARTITIONS', String(DEFAULT_PARTITIONS)],
    ])('sets %s=%s', (key, value) => {
      expect(env('kafka', key)).toBe(value);
    });

    it('checks health with an admin request through the host listener', () => {
      expect(service('kafka').healthcheck?.test).toEqual(['CMD', 'kafka-topics', '--bootstrap-server', `localhost:${DEFAULT_PORT}`, '--list']);
    });
  });

  describe('init-topics', () => {
    const command = service('init-topics').command as string[];
    const option = (flag: string) => command[command.indexOf(flag) + 1];

    it(`creates topic ${COMPOSE.topic} with ${DEFAULT_PARTITIONS} partitions, if it does not exist yet`, () => {
      expect(command[0]).toBe('kafka-topics');
      expect(command).toContain('--create');
      expect(command).toContain('--if-not-exists');
      expect(option('--topic')).toBe(COMPOSE.topic);
      expect(option('--partitions')).toBe(String(DEFAULT_PARTITIONS));
      expect(option('--replication-factor')).toBe('1');
      expect(option('--bootstrap-server')).toBe(COMPOSE.internalBootstrap);
    });

    it('runs once, after Kafka is healthy', () => {
      expect(service('init-topics').restart).toBe('no');
      expect(dependencies(service('init-topics'))).toEqual({ kafka: { condition: 'service_healthy' } });
    });
  });

  describe('control-center', () => {
    it(`serves on port ${COMPOSE.controlCenterPort} and reads Kafka at ${COMPOSE.internalBootstrap}`, () => {
      expect(ports('control-center')).toEqual([`${COMPOSE.controlCenterPort}:${COMPOSE.controlCenterPort}`]);
      expect(env('control-center', 'CONTROL_CENTER_REST_LISTENERS')).toBe(`http://0.0.0.0:${COMPOSE.controlCenterPort}`);
      expect(env('control-center', 'CONTROL_CENTER_BOOTSTRAP_SERVERS')).toBe(COMPOSE.internalBootstrap);
      expect(JSON.stringify(service('control-center').healthcheck?.test)).toContain(`localhost:${COMPOSE.controlCenterPort}/`);
    });

    it.each(['CONTROL_CENTER_REPLICATION_FACTOR', 'CONTROL_CENTER_INTERNAL_TOPICS_PARTITIONS', 'CONTROL_CENTER_MONITORING_INTERCEPTOR_TOPIC_PARTITIONS', 'CONFLUENT_METRICS_TOPIC_REPLICATION'])(
      'sizes its own topics for one broker: %s=1',
      (key) => {
        expect(env('control-center', key)).toBe('1');
      },
    );
  });

  describe('connect', () => {
    const connectUrl = `http://${COMPOSE.connectService}:${DEFAULT_CONNECT_PORT}`;

    it(`serves its REST API on localhost:${DEFAULT_CONNECT_PORT}, kconnect's default, and reads Kafka at ${COMPOSE.internalBootstrap}`, () => {
      expect(ports(COMPOSE.connectService)).toEqual([`${DEFAULT_CONNECT_PORT}:${DEFAULT_CONNECT_PORT}`]);
      expect(env(COMPOSE.connectService, 'CONNECT_REST_PORT')).toBe(String(DEFAULT_CONNECT_PORT));
      expect(env(COMPOSE.connectService, 'CONNECT_REST_ADVERTISED_HOST_NAME')).toBe(COMPOSE.connectService);
      expect(service(COMPOSE.connectService).hostname).toBe(COMPOSE.connectService);
      expect(env(COMPOSE.connectService, 'CONNECT_BOOTSTRAP_SERVERS')).toBe(COMPOSE.internalBootstrap);
    });

    it('has the FileStream connectors on its plugin path', () => {
      expect(env(COMPOSE.connectService, 'CONNECT_PLUGIN_PATH')).toBe(COMPOSE.connectPluginPath);
      expect(COMPOSE.connectPluginPath.split(',')).toContain('/usr/share/filestream-connectors');
    });

    it("uses kstack's internal topics, one replica each on one broker", () => {
      expect(env(COMPOSE.connectService, 'CONNECT_CONFIG_STORAGE_TOPIC')).toBe(CONNECT_TOPICS.config);
      expect(env(COMPOSE.connectService, 'CONNECT_OFFSET_STORAGE_TOPIC')).toBe(CONNECT_TOPICS.offset);
      expect(env(COMPOSE.connectService, 'CONNECT_STATUS_STORAGE_TOPIC')).toBe(CONNECT_TOPICS.status);
      for (const t of ['CONFIG', 'OFFSET', 'STATUS']) expect(env(COMPOSE.connectService, `CONNECT_${t}_STORAGE_REPLICATION_FACTOR`)).toBe('1');
      expect(env(COMPOSE.connectService, 'CONNECT_GROUP_ID')).toBeTruthy();
    });

    it('is healthy once GET /connector-plugins answers, and starts after Kafka is healthy', () => {
      expect(service(COMPOSE.connectService).healthcheck?.test).toEqual(['CMD', 'curl', '--fail', '--silent', '--output', '/dev/null', `http://localhost:${DEFAULT_CONNECT_PORT}/connector-plugins`]);
      expect(dependencies(service(COMPOSE.connectService))).toEqual({ kafka: { condition: 'service_healthy' } });
    });

    it('is what Control Center shows on its Connect page, and Control Center waits for it', () => {
      expect(env('control-center', 'CONTROL_CENTER_CONNECT_CONNECT-DEFAULT_CLUSTER')).toBe(connectUrl);
      expect(dependencies(service('control-center'))[COMPOSE.connectService]).toEqual({ condition: 'service_healthy' });
    });
  });

  describe('schema-registry', () => {
    const internal = new URL(COMPOSE.schemaRegistryInternal);

    it(`publishes ${COMPOSE.schemaRegistryPort}: host clients use ${COMPOSE_REGISTRY_URL}, containers ${COMPOSE.schemaRegistryInternal}`, () => {
      expect(ports('schema-registry')).toEqual([`${COMPOSE.schemaRegistryPort}:${COMPOSE.schemaRegistryPort}`]);
      expect(COMPOSE_REGISTRY_URL).toBe(`http://localhost:${COMPOSE.schemaRegistryPort}`);
      expect(env('schema-registry', 'SCHEMA_REGISTRY_LISTENERS')).toBe(`http://0.0.0.0:${COMPOSE.schemaRegistryPort}`);
      expect(service('schema-registry').hostname).toBe(internal.hostname);
      expect(Number(internal.port)).toBe(COMPOSE.schemaRegistryPort);
    });

    it(`stores its schemas in Kafka at ${COMPOSE.internalBootstrap}, one replica, once Kafka is healthy`, () => {
      expect(env('schema-registry', 'SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS')).toBe(COMPOSE.internalBootstrap);
      expect(env('schema-registry', 'SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR')).toBe('1');
      expect(dependencies(service('schema-registry'))).toEqual({ kafka: { condition: 'service_healthy' } });
    });

    it('is healthy when its REST API answers', () => {
      expect(service('schema-registry').healthcheck?.test).toEqual(['CMD', 'curl', '--fail', '--silent', '--output', '/dev/null', `http://localhost:${COMPOSE.schemaRegistryPort}/subjects`]);
    });

    it('is what Control Center and the app service use', () => {
      expect(env('control-center', 'CONTROL_CENTER_SCHEMA_REGISTRY_URL')).toBe(COMPOSE.schemaRegistryInternal);
      expect(dependencies(service('control-center'))['schema-registry']).toEqual({ condition: 'service_healthy' });
      expect(env('app', 'KAFKA_SCHEMA_REGISTRY_URL')).toBe(COMPOSE.schemaRegistryInternal);
    });
  });

  describe('app', () => {
    const app = service('app');

    it(`is built from the Dockerfile and reaches Kafka at ${COMPOSE.internalBootstrap} through KAFKA_BROKERS`, () => {
      expect(app.build).toBe('.');
      expect(app.image).toBeUndefined();
      expect(env('app', 'KAFKA_BROKERS')).toBe(COMPOSE.internalBootstrap);
      expect(env('app', 'KAFKA_CONNECT_URL')).toBe(`http://${COMPOSE.connectService}:${DEFAULT_CONNECT_PORT}`);
      expect(app.ports).toBeUndefined();
    });

    it('starts only after the topic exists', () => {
      expect(dependencies(app)).toEqual({ kafka: { condition: 'service_healthy' }, 'init-topics': { condition: 'service_completed_successfully' }, 'schema-registry': { condition: 'service_healthy' } });
    });
  });

  describe('profiles', () => {
    it('kraft: a Kafka 4.4 broker without ZooKeeper, for host clients on its own port', () => {
      const kraft = service('kafka-kraft');
      const [hostPort] = ports('kafka-kraft');
      expect(hostPort).toBeDefined();
      const port = portOf(hostPort as string);
      expect(port).not.toBe(DEFAULT_PORT);
      expect(env('kafka-kraft', 'KAFKA_PROCESS_ROLES')).toBe('broker,controller');
      expect(kraft.environment?.KAFKA_ZOOKEEPER_CONNECT).toBeUndefined();
      expect(listeners(env('kafka-kraft', 'KAFKA_ADVERTISED_LISTENERS')).get('PLAINTEXT_HOST')).toBe(`localhost:${port}`);
      expect(env('kafka-kraft', 'KAFKA_NUM_PARTITIONS')).toBe(String(DEFAULT_PARTITIONS));
      expect(findKafkaVersion('4.4')?.zookeeper).toBe(false);
    });

    it(`ui: Kafdrop, reading Kafka at ${COMPOSE.internalBootstrap}`, () => {
      expect(env('kafdrop', 'KAFKA_BROKERCONNECT')).toBe(COMPOSE.internalBootstrap);
      expect(ports('kafdrop')).toEqual(['9000:9000']);
    });

    it('publishes each host port once, so every profile can run beside the default stack', () => {
      const published = Object.keys(services).flatMap((n) => ports(n).map((p) => p.split(':')[0]));
      expect(new Set(published).size).toBe(published.length);
    });
  });

  describe('health and start order', () => {
    it.each(Object.keys(services).map((n) => [n, ONE_SHOT[n] ?? 'stays up']))('%s has a health check unless it is a one-shot (%s)', (name) => {
      const s = service(name);
      if (name in ONE_SHOT) {
        expect(s.healthcheck).toBeUndefined();
      } else {
        expect(Array.isArray(s.healthcheck?.test) && s.healthcheck.test[0]).toMatch(/^CMD(-SHELL)?$/);
        expect(s.healthcheck?.retries).toBeGreaterThan(0);
      }
    });

    it.each(Object.keys(services))('%s waits for each dependency to be healthy, or to have completed if it is a one-shot', (name) => {
      const s = service(name);
      expect(Array.isArray(s.depends_on)).toBe(false);
      for (const [dep, { condition }] of Object.entries(dependencies(s))) {
        const target = service(dep);
        expect(condition).toBe(dep in ONE_SHOT ? 'service_completed_successfully' : 'service_healthy');
        // A dependency must be enabled whenever its dependent is.
        expect((target.profiles ?? []).every((p) => (s.profiles ?? []).includes(p))).toBe(true);
      }
    });

    it('lets `docker compose up --wait` succeed: each one-shot it starts is awaited by a service that stays up, and app is not started', () => {
      const longRunning = Object.entries(services).filter(([n, s]) => startedByDefault(s) && !(n in ONE_SHOT));
      for (const [name, s] of Object.entries(services)) {
        if (!(name in ONE_SHOT)) continue;
        if (!startedByDefault(s)) continue;
        const adopters = longRunning.filter(([, l]) => dependencies(l)[name]?.condition === 'service_completed_successfully');
        expect(adopters.map(([n]) => n)).not.toEqual([]);
      }
      expect(startedByDefault(service('app'))).toBe(false);
    });
  });
});
