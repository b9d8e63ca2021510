// The connection flags every Kafka command shares: -b, --client-id, --timeout, --debug.
import { Option, type Command } from 'commander';
import { parseBrokerList, parseTimeoutMs } from './options.js';
import { DEFAULT_BROKERS } from '../stack/versions.js';
import type { ConnectionOptions } from '../kafka.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-b, --brokers <list>', 'bootstrap brokers, host:port[,host:port]').env('KAFKA_BROKERS').argParser(parseBrokerList).default([DEFAULT_BROKERS], DEFAULT_BROKERS))
    .option('--client-id <id>', 'client id the brokers see', 'ktool')
    .addOption(new Option('--timeout <ms>', 'how long to wait for Kafka before giving up').argParser(parseTimeoutMs).default(DEFAULT_TIMEOUT_MS))
    .option('--debug', 'kafkajs logs and stack traces on stderr', false);
}

export function connectionFrom(o: { brokers: string[]; clientId: string; timeout: number; debug: boolean }): ConnectionOptions {
  return { brokers: o.brokers, clientId: o.clientId, timeoutMs: o.timeout, debug: o.debug };
}
