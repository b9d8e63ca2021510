// `kstack up --config name=value`: extra broker properties, checked once, and the names kstack must set itself.
import { EXIT, KtoolError } from '../errors.js';

/** Broker property overrides, names in sorted order so state files and JSON output compare and read the same way. */
export type BrokerOverrides = Readonly<Record<string, string>>;

/**
 * Properties that decide the stack's shape (ids, roles, listeners, the quorum, where data lives). kstack writes them
 * from --brokers, --port and --zookeeper; an override would leave state.json, the ports check and `status` wrong.
 */
export const KSTACK_CONTROLLED: readonly string[] = [
  'node.id',
  'broker.id',
  'process.roles',
  'listeners',
  'advertised.listeners',
  'controller.listener.names',
  'controller.quorum.voters',
  // KIP-853's dynamic quorum alternative to controller.quorum.voters.
  'controller.quorum.bootstrap.servers',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'log.dirs',
  // log.dirs wins over log.dir, so an override of it would be silently ignored.
  'log.dir',
  'metadata.log.dir',
  'zookeeper.connect',
];

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Reads repeated `name=value` arguments; a repeated name keeps its last value. Throws a usage error (exit 2). */
export function parseBrokerOverrides(entries: readonly string[]): BrokerOverrides {
  const config: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at < 0) {
      throw new KtoolError('USAGE', `--config "${entry}": expected name=value`, { exitCode: EXIT.usage, hint: 'for example --config log.retention.ms=60000' });
    }
    const name = entry.slice(0, at);
    if (!NAME.test(name)) {
      throw new KtoolError('USAGE', `--config "${entry}": "${name}" is not a broker property name`, {
        exitCode: EXIT.usage,
        hint: 'names are lower case letters, digits, ".", "_" and "-", like log.retention.ms (https://kafka.apache.org/documentation/#brokerconfigs)',
      });
    }
    if (KSTACK_CONTROLLED.includes(name)) {
      throw new KtoolError('USAGE', `--config ${name}: kstack sets ${name} itself`, {
        exitCode: EXIT.usage,
        hint: 'ids, roles, listeners, the quorum and data directories follow --brokers, --port and --zookeeper; change those instead',
      });
    }
    config[name] = entry.slice(at + 1);
  }
  return sortOverrides(config);
}

/** The same overrides with names in sorted order. */
export function sortOverrides(config: BrokerOverrides): BrokerOverrides {
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function sameOverrides(a: BrokerOverrides, b: BrokerOverrides): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/** `name=value name=value`, for messages and `kstack status`. */
export function describeOverrides(config: BrokerOverrides): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
