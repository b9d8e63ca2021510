#!/usr/bin/env node
// kstack: start, inspect and stop a real local Kafka. Declares the command; lib/stack does the work.
import { Command, Option } from 'commander';
import { main } from '../lib/cli/run.js';
import { collect, intInRange, parseHeap, parsePort, parseTimeoutMs } from '../lib/cli/options.js';
import { processIo } from '../lib/io.js';
import { downCommand, fetchCommand, statusCommand, upCommand } from '../lib/stack/commands.js';
import { DEFAULT_KAFKA_LINE, DEFAULT_PORT, KAFKA_VERSIONS } from '../lib/stack/versions.js';

const io = processIo();
const versionChoices = KAFKA_VERSIONS.flatMap((v) => [v.line, v.version]);
const program = new Command('kstack')
  .description('Run a real Apache Kafka on this machine (JVM + Maven Central jars, no Docker).')
  .option('--debug', 'print stack traces on errors')
  .addHelpText('after', `
Environment:
  KSTACK_HOME     where jars, configs and data live (default: .kstack/ in this package)
  KSTACK_RUN_DIR  the run directory alone (state, configs, logs, data), for a private stack

Examples:
  $ kstack up                      one KRaft broker on 127.0.0.1:9092
  $ kstack up --brokers 3          three brokers on 9092-9094 (controllers on 9095-9097)
  $ kstack up --zookeeper          Kafka 3.9 with ZooKeeper, like the compose stack
  $ kstack up --kafka 4.1          Kafka 4.1 (KRaft only)
  $ kstack up --config auto.create.topics.enable=false
  $ kstack up --config log.retention.ms=60000 --config log.retention.check.interval.ms=5000
  $ eval "$(kstack up | tail -1)" && echo $KAFKA_BROKERS
  $ kstack status
  $ kstack down                    stop and remove the data (--keep to keep it)`);

program
  .command('up')
  .description('start Kafka in the background and print KAFKA_BROKERS=... as the last line; does nothing if it already runs')
  .addOption(new Option('--brokers <n>', 'number of brokers').argParser(intInRange(1, 9)).default(1))
  .option('--zookeeper', 'run in ZooKeeper mode (Kafka 3.9 only) instead of KRaft', false)
  .addOption(new Option('--kafka <version>', 'Kafka version').choices(versionChoices).default(DEFAULT_KAFKA_LINE))
  .addOption(new Option('--port <port>', 'client port of the first broker; other ports follow it').argParser(parsePort).default(DEFAULT_PORT))
  .addOption(new Option('--heap <size>', 'maximum JVM heap per process').argParser(parseHeap).default('512m'))
  .addOption(new Option('--config <name=value>', 'a broker property for every broker, e.g. auto.create.topics.enable=false (repeatable)').argParser(collect((v) => v)).default([], 'none'))
  .addOption(new Option('--timeout <ms>', 'how long the brokers may take to serve (jar download not included)').argParser(parseTimeoutMs).default(90_000))
  .option('--json', 'also print the stack as one JSON line before KAFKA_BROKERS=...', false)
  .action((o) => upCommand(io, { brokers: o.brokers, zookeeper: o.zookeeper, kafka: o.kafka, port: o.port, heap: o.heap, config: o.config, timeoutMs: o.timeout, json: o.json }));

program
  .command('down')
  .description('stop the processes kstack started (SIGTERM, then SIGKILL after --timeout) and remove their data')
  .option('--keep', 'keep the data; the next `kstack up` with the same flags restarts on it', false)
  .addOption(new Option('--timeout <ms>', 'how long each process may take to shut down before SIGKILL').argParser(parseTimeoutMs).default(30_000))
  .option('--json', 'print what was stopped as one JSON line', false)
  .action((o) => downCommand(io, { keep: o.keep, timeoutMs: o.timeout, json: o.json }));

program
  .command('status')
  .description('show what runs: brokers, ports, pids, data dir, Kafka version')
  .option('--json', 'print the status as one JSON line', false)
  .action((o) => statusCommand(io, { json: o.json }));

program
  .command('fetch')
  .description('resolve Kafka jars from Maven Central into the cache ahead of time')
  .addOption(new Option('--kafka <version...>', 'versions to fetch, or "all"').choices([...versionChoices, 'all']).default([DEFAULT_KAFKA_LINE]))
  .action((o) => fetchCommand(io, { kafka: o.kafka }));

await main(program);
