#!/usr/bin/env node
// kstack: start, inspect and stop a real Kafka (Docker compose stack, or the JVM on this machine). Declares the command; lib/stack does the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command, Option } from 'commander';
import { main } from '../lib/cli/run.js';
import { collect, intInRange, parseHeap, parsePort, parseTimeoutMs } from '../lib/cli/options.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { parsePlugin } from '../lib/stack/connect/plugins.js';
import { downCommand, fetchCommand, LOCAL_ONLY_FLAGS, logsCommand, startCommand, statusCommand, stopCommand, upCommand } from '../lib/stack/commands.js';
import { COMPOSE, DEFAULT_KAFKA_LINE, DEFAULT_PORT, KAFKA_VERSIONS, REGISTRY } from '../lib/stack/versions.js';

const io = processIo();
const versionChoices = KAFKA_VERSIONS.flatMap((v) => [v.line, v.version]);
/** --docker / --local on every subcommand that acts on a stack; `up` refuses --docker with the local broker's flags. */
const providerFlags = (cmd: Command, docker: string, local: string, dockerConflicts: readonly string[] = []) =>
  cmd.addOption(new Option('--docker', docker).conflicts(['local', ...dockerConflicts])).addOption(new Option('--local', local).conflicts('docker'));
const provider = (o: { docker?: boolean; local?: boolean }) => (o.docker ? 'docker' : o.local ? 'local' : 'auto');

const program = new Command('kstack')
  .description('Run a real Apache Kafka: the Docker compose stack when a Docker engine answers, else the JVM on this machine (Maven Central jars).')
  .option('--debug', 'print stack traces on errors')
  .addHelpText('after', `
Environment:
  KSTACK_HOME     where jars, configs and data live (default: .kstack/ in this package)
  KSTACK_RUN_DIR  the run directory alone (state, configs, logs, data), for a private stack
  KSTACK_CACHE_DIR the jar cache alone (default: cache/ under KSTACK_HOME)
  KSTACK_PORT     the default of up --port
  KSTACK_REGISTRY_PORT the default of up --registry-port
  KSTACK_REGISTRY_JAVA_HOME a Java 21+ for the Schema Registry (else JAVA_HOME, PATH, /usr/lib/jvm/*)

Which Kafka: \`kstack up\` starts the compose stack (${COMPOSE.file}: ZooKeeper, Kafka, Control Center) when a
Docker engine answers and Docker Compose 2.17+ is installed, else one local KRaft broker (Java 17 + Maven).
--docker / --local force one; down, status and logs act on the stack the run directory records.

Examples:
  $ kstack up                      Docker if it answers (localhost:9092, Control Center on :${COMPOSE.controlCenterPort}), else the JVM;
                                   over a recorded stack: restart what is not running, on its data
  $ kstack up --local              one KRaft broker on 127.0.0.1:9092, on this machine's JVM
  $ kstack up --brokers 3          three brokers on 9092-9094 (controllers on 9095-9097)
  $ kstack up --zookeeper          Kafka 3.9 with ZooKeeper, like the compose stack
  $ kstack up --kafka 4.4          Kafka 4.4 (KRaft only)
  $ kstack up --config auto.create.topics.enable=false
  $ kstack up --config log.retention.ms=60000 --config log.retention.check.interval.ms=5000
  $ kstack up --secure             also SASL_PLAINTEXT, SSL and SASL_SSL listeners; prints the CA, user and profile file
  $ export "$(kstack up | tail -1)" && echo $KAFKA_BROKERS
  $ kstack up --registry           also a Schema Registry (Confluent's API; local: ${REGISTRY.name} on Java ${REGISTRY.minJava}+) on :${REGISTRY.defaultPort}
  $ export $(kstack up --registry) && kschemas list   sets KAFKA_SCHEMA_REGISTRY_URL and KAFKA_BROKERS
  $ kstack up --fresh --brokers 3  remove the recorded stack and its data, then start three brokers
  $ kstack stop --broker 2         stop broker 2 cleanly (--kill: SIGKILL, as a crash); its data stays
  $ kstack start --broker 2        start it again on its data; it rejoins the in-sync replicas
  $ kstack up --connect            also a Kafka Connect worker, REST API on http://127.0.0.1:8083 (kconnect)
  $ kstack up --connect --plugin io.debezium:debezium-connector-postgres:3.6.1.Final
  $ kstack status
  $ kstack logs kafka -f           follow the broker's log (local: broker-1, zookeeper; docker: a compose service)
  $ kstack down                    stop and remove the data (--keep to keep it)`);

const up = program
  .command('up')
  .description('start Kafka in the background and print KAFKA_BROKERS=... as the last line; over a recorded stack, bring back the processes that are not running, on their data (without flags: whatever stack is recorded)')
  .addOption(new Option('--brokers <n>', 'number of brokers').argParser(intInRange(1, 9)).default(1))
  .option('--zookeeper', 'run in ZooKeeper mode (Kafka 3.9 only) instead of KRaft', false)
  .addOption(new Option('--kafka <version>', 'Kafka version').choices(versionChoices).default(DEFAULT_KAFKA_LINE))
  .addOption(new Option('--port <port>', 'client port of the first broker; other ports follow it').argParser(parsePort).env('KSTACK_PORT').default(DEFAULT_PORT))
  .addOption(new Option('--heap <size>', 'maximum JVM heap per process').argParser(parseHeap).default('512m'))
  .addOption(new Option('--config <name=value>', 'a broker property for every broker, e.g. auto.create.topics.enable=false (repeatable)').argParser(collect((v) => v)).default([], 'none'))
  .addOption(new Option('--timeout <ms>', 'how long the stack may take to serve, jar download and image pulls not included (default: 90000 local, 300000 docker)').argParser(parseTimeoutMs))
  .option('--secure', 'also SASL_PLAINTEXT, SSL and SASL_SSL listeners (KRaft), with a generated CA, certificates and SASL user', false)
  .option('--fresh', 'remove the recorded local stack and its data first, then start a new one', false)
  .option('--connect', 'also a Kafka Connect worker (distributed mode), REST API on 127.0.0.1:8083 (moves with --port)', false)
  .addOption(new Option('--connect-port <port>', "the Connect worker's REST port (default: 8083, or 1009 below --port)").argParser(parsePort))
  .addOption(new Option('--plugin <group:artifact:version>', 'a connector from Maven Central for the worker, with its dependencies (repeatable), e.g. io.debezium:debezium-connector-postgres:3.6.1.Final').argParser(collect(parsePlugin)).default([], 'none'))
  .option('--registry', `also run a Schema Registry with Confluent's API and print KAFKA_SCHEMA_REGISTRY_URL=... before KAFKA_BROKERS=... (local: ${REGISTRY.name} ${REGISTRY.version}, Java ${REGISTRY.minJava}+, schemas kept in memory; docker: the compose stack's schema-registry)`, false)
  .addOption(new Option('--registry-port <port>', 'HTTP port of the local Schema Registry; its management port is the next one').argParser(parsePort).env('KSTACK_REGISTRY_PORT').default(REGISTRY.defaultPort))
  .option('--json', 'also print the stack as one JSON line before KAFKA_BROKERS=...', false);
providerFlags(up, 'the Docker compose stack, or exit 4 if Docker is not available', "the local broker on this machine's JVM, even if Docker answers", [...LOCAL_ONLY_FLAGS, 'fresh']).action((o, cmd: Command) =>
  upCommand(io, {
    brokers: o.brokers,
    zookeeper: o.zookeeper,
    kafka: o.kafka,
    port: o.port,
    heap: o.heap,
    config: o.config,
    timeoutMs: o.timeout,
    json: o.json,
    secure: o.secure,
    connect: o.connect,
    connectPort: o.connectPort,
    plugins: o.plugin,
    provider: provider(o),
    // --fresh is for the local stack too: over a recorded compose stack it is refused like the others.
    localFlags: [...LOCAL_ONLY_FLAGS, 'fresh'].filter((f) => cmd.getOptionValueSource(f) === 'cli'),
    fresh: o.fresh,
    registry: o.registry,
    registryPort: o.registryPort,
  }),
);

program
  .command('stop')
  .description('stop one broker of the running local stack, keeping its data (status shows it "stopped"); `kstack start` or `kstack up` brings it back')
  .requiredOption('--broker <n>', 'the broker to stop (its node id: 1, 2, ...)', intInRange(1, 9))
  .option('--kill', 'SIGKILL at once, as a crash, instead of a clean shutdown', false)
  .addOption(new Option('--timeout <ms>', 'how long a clean shutdown may take before the broker is killed').argParser(parseTimeoutMs).default(30_000))
  .option('--json', 'print what was stopped as one JSON line', false)
  .action((o) => stopCommand(io, { target: { role: 'broker', id: o.broker }, kill: o.kill, timeoutMs: o.timeout, json: o.json }));

program
  .command('start')
  .description('start one stopped (or crashed) broker of the local stack again, on its data, and wait until it serves')
  .requiredOption('--broker <n>', 'the broker to start (its node id: 1, 2, ...)', intInRange(1, 9))
  .addOption(new Option('--timeout <ms>', 'how long the broker may take to serve (default: 90000)').argParser(parseTimeoutMs))
  .option('--json', 'print the started broker as one JSON line', false)
  .action((o) => startCommand(io, { target: { role: 'broker', id: o.broker }, ...(o.timeout ? { timeoutMs: o.timeout } : {}), json: o.json }));

providerFlags(
  program
    .command('down')
    .description('stop the stack kstack started and remove its data: the local processes (SIGTERM, then SIGKILL after --timeout), or `docker compose down -v`')
    .option('--keep', 'keep the data (docker: `docker compose stop`); the next `kstack up` with the same flags restarts on it', false)
    .addOption(new Option('--timeout <ms>', 'how long each process or container may take to shut down before it is killed').argParser(parseTimeoutMs).default(30_000))
    .option('--json', 'print what was stopped as one JSON line', false),
  'stop the compose stack, whatever the run directory records',
  'stop the local broker the run directory records',
).action((o) => downCommand(io, { keep: o.keep, timeoutMs: o.timeout, json: o.json, provider: provider(o) }));

providerFlags(
  program
    .command('status')
    .description('show what runs: brokers, ports, pids, data dir, Kafka version; or the compose services and their health')
    .option('--json', 'print the status as one JSON line', false),
  'show the compose stack, whatever the run directory records',
  'show the local broker the run directory records',
).action((o) => statusCommand(io, { json: o.json, provider: provider(o) }));

providerFlags(
  program
    .command('logs')
    .description('print the end of the stack\'s logs to stdout: each local node\'s out.log, or `docker compose logs`')
    .argument('[service]', 'local: broker-1, broker-2..., zookeeper, or kafka for every broker; docker: a compose service such as kafka (default: all)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C (or until the stack is removed)', false)
    .addOption(new Option('-n, --lines <n>', 'lines from the end of each log').argParser(intInRange(0, 1_000_000)).default(100)),
  'the compose stack\'s logs, whatever the run directory records',
  'the local broker\'s log files',
).action((service: string | undefined, o) =>
  logsCommand(io, { ...(service ? { service } : {}), lines: o.lines, follow: o.follow, provider: provider(o), ...(o.follow ? { signal: interruptSignal() } : {}) }),
);

program
  .command('fetch')
  .description('resolve Kafka jars (and with --registry the Schema Registry app) from Maven Central into the cache ahead of time')
  .addOption(new Option('--kafka <version...>', 'versions to fetch, or "all"').choices([...versionChoices, 'all']).default([DEFAULT_KAFKA_LINE]))
  .option('--connect', "also the Kafka Connect worker's jars and the FileStream connectors", false)
  .addOption(new Option('--plugin <group:artifact:version>', 'also a Connect plugin with its dependencies (repeatable)').argParser(collect(parsePlugin)).default([], 'none'))
  .option('--registry', `also fetch ${REGISTRY.name} ${REGISTRY.version} (~150 MB), what \`kstack up --registry\` runs`, false)
  .action((o) => fetchCommand(io, { kafka: o.kafka, connect: o.connect, plugins: o.plugin, registry: o.registry }));

await main(program);
