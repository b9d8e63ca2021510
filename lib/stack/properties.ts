// Renders the Java .properties and logging files for each node of a plan. Pure: text in, text out.
import type { NodePlan, StackPlan } from './plan.js';
import { SASL_MECHANISMS, SCRAM_MECHANISMS, type SecureMaterial } from './secure.js';
import { DEFAULT_PARTITIONS } from './versions.js';

export type Properties = Record<string, string | number | boolean>;

/**
 * Java .properties text; values are never followed by comments (they would become part of the value).
 * Kafka loads the file as ISO-8859-1, so anything beyond printable ASCII is written as a \uXXXX escape.
 */
export function renderProperties(props: Properties, header: string): string {
  const escape = (v: string) =>
    v
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const lines = Object.entries(props).map(([k, v]) => `${k}=${escape(String(v))}`);
  return `# ${header}\n${lines.join('\n')}\n`;
}

/** Settings every node shares: internal topics sized to the cluster, no rebalance delay. */
function clusterDefaults(plan: StackPlan): Properties {
  const rf = Math.min(plan.brokers, 3);
  const minIsr = Math.min(plan.brokers, 2);
  const props: Properties = {
    'offsets.topic.replication.factor': rf,
    // Default 50 partitions make the first consumer group slow to start.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 1,
    // Default 3 s delays every first group join.
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': DEFAULT_PARTITIONS,
    // Auto-created topics get a replica on up to three brokers, like the internal ones.
    'default.replication.factor': rf,
  };
  if (plan.kafka.line.startsWith('4.')) {
    props['share.coordinator.state.topic.replication.factor'] = rf;
    props['share.coordinator.state.topic.min.isr'] = minIsr;
  }
  return props;
}

/** A broker's properties: what kstack controls, our cluster defaults, then the user's --config overrides over those. */
export function brokerProperties(plan: StackPlan, node: NodePlan, security?: SecureMaterial): Properties {
  const h = plan.host;
  // parseBrokerOverrides refused the names kstack controls, so an override can only replace a default or add a setting.
  const base = { ...clusterDefaults(plan), 'log.dirs': node.dataDir, ...plan.config };
  if (plan.mode === 'zookeeper') {
    const zk = plan.nodes.find((x) => x.role === 'zookeeper');
    if (!zk) throw new Error('a ZooKeeper-mode plan has no ZooKeeper node');
    return {
      'broker.id': node.id,
      'zookeeper.connect': `${h}:${zk.port}`,
      listeners: `PLAINTEXT://${h}:${node.port}`,
      'advertised.listeners': `PLAINTEXT://${h}:${node.port}`,
      ...base,
    };
  }
  const voters = plan.nodes
    .filter((x) => x.role === 'broker')
    .map((x) => `${x.id}@${h}:${x.controllerPort}`)
    .join(',');
  const secured = security && node.securePorts ? secureListeners(h, node.securePorts) : undefined;
  return {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': voters,
    listeners: [`PLAINTEXT://${h}:${node.port}`, `CONTROLLER://${h}:${node.controllerPort}`, ...(secured ?? [])].join(','),
    'advertised.listeners': [`PLAINTEXT://${h}:${node.port}`, ...(secured ?? [])].join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...(secured ? ['SASL_PLAINTEXT:SASL_PLAINTEXT', 'SSL:SSL', 'SASL_SSL:SASL_SSL'] : [])].join(','),
    ...(secured && security ? securityProperties(security) : {}),
    ...base,
  };
}

function secureListeners(h: string, p: NonNullable<NodePlan['securePorts']>): string[] {
  return [`SASL_PLAINTEXT://${h}:${p.saslPlaintext}`, `SSL://${h}:${p.ssl}`, `SASL_SSL://${h}:${p.saslSsl}`];
}

/**
 * `--secure`: PLAIN users in each SASL listener's JAAS config, SCRAM users in the metadata log (StorageTool --add-scram),
 * one PKCS12 keystore for every TLS listener, and client certificates requested (not required) on SSL for mTLS.
 * https://kafka.apache.org/documentation/#security_sasl_plain and #security_ssl
 */
export function securityProperties(m: SecureMaterial): Properties {
  const props: Properties = {
    'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': m.keystore,
    'ssl.keystore.password': m.storePassword,
    'ssl.key.password': m.storePassword,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': m.truststore,
    'ssl.truststore.password': m.storePassword,
    'listener.name.ssl.ssl.client.auth': 'requested',
  };
  for (const listener of ['sasl_plaintext', 'sasl_ssl']) {
    props[`listener.name.${listener}.plain.sasl.jaas.config`] = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${m.user}="${m.password}";`;
    for (const mech of SCRAM_MECHANISMS) {
      props[`listener.name.${listener}.${mech.toLowerCase()}.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    }
  }
  return props;
}

export function zookeeperProperties(plan: StackPlan, node: NodePlan): Properties {
  return {
    dataDir: node.dataDir,
    clientPort: node.port,
    clientPortAddress: plan.host,
    maxClientCnxns: 0,
    'admin.enableServer': false,
  };
}

/** Console logging (the launcher redirects it to the node's out.log), in the backend the version uses. */
export function loggingConfig(plan: StackPlan): { fileName: string; text: string } {
  if (plan.kafka.logging === 'log4j2') {
    return {
      fileName: 'log4j2.properties',
      text: [
        'status = warn',
        'appender.console.type = Console',
        'appender.console.name = STDOUT',
        'appender.console.layout.type = PatternLayout',
        'appender.console.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = info',
        'rootLogger.appenderRef.stdout.ref = STDOUT',
        '',
      ].join('\n'),
    };
  }
  return {
    fileName: 'log4j.properties',
    text: [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  };
}

/** The log line that says a node is serving. */
export function readyLine(plan: StackPlan, node: NodePlan): RegExp {
  if (node.role === 'zookeeper') return /binding to port/;
  return plan.mode === 'kraft' ? /Kafka Server started/ : new RegExp(`\\[KafkaServer id=${node.id}\\] started`);
}
