#!/usr/bin/env node
// kconnect: drive a Kafka Connect worker through its REST API. Declares the command; lib/connect does the work.
import { Command, Option } from 'commander';
import { collect, parseConfigEntry, parseTimeoutMs } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { actionCommand, configCommand, listCommand, pluginsCommand, restartCommand, statusCommand, topicsCommand, writeCommand, type WriteOptions } from '../lib/connect/commands.js';
import { CONNECT_ENV, clientFrom, DEFAULT_CONNECT_TIMEOUT_MS, type TargetFlags } from '../lib/connect/target.js';
import { DEFAULT_CONNECT_URL } from '../lib/stack/versions.js';

const io = processIo();
const done = async (work: Promise<unknown>): Promise<void> => void (await work);
/** The worker's address, credentials, TLS, --timeout and --json on every subcommand, so they can follow its name. */
const sub = (cmd: Command) =>
  cmd
    .option('--url <url>', `the worker's REST API (${CONNECT_ENV.url}; default ${DEFAULT_CONNECT_URL})`)
    .option('--user <name>', `HTTP basic auth user (${CONNECT_ENV.user})`)
    .addOption(new Option('--password-file <file>', `read the basic auth password from a file (${CONNECT_ENV.passwordFile}, or the password in ${CONNECT_ENV.password})`).conflicts('passwordStdin'))
    .option('--password-stdin', 'read the basic auth password from stdin')
    .option('--ca <file>', "trust this CA certificate (PEM) for an https:// worker instead of the system's")
    .option('--cert <file>', 'client certificate (PEM) for a worker that asks for one, with --cert-key')
    .option('--cert-key <file>', 'private key (PEM) of --cert')
    .option('--insecure', "https:// without checking the worker's certificate (test workers only)")
    .addOption(new Option('--timeout <ms>', `how long each request, and --wait, may take (default ${DEFAULT_CONNECT_TIMEOUT_MS})`).argParser(parseTimeoutMs))
    .option('--json', 'one JSON object per line (shapes in docs/connect.md)', false)
    .option('--debug', 'stack traces on errors', false);
const client = (o: TargetFlags, signal?: AbortSignal) => clientFrom(o, io.env, signal);
const timeoutOf = (o: TargetFlags) => o.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
const waitFlag = () => new Option('--wait <state>', 'return once the connector and all its tasks run; fail (exit 1) with the error of one that fails; bounded by --timeout').choices(['running']);

const program = new Command('kconnect')
  .description('Drive a Kafka Connect worker: list, create, update, inspect, pause, resume, restart and delete connectors.')
  .addHelpText('after', `
Examples:
  $ kstack up --connect                           a local worker on ${DEFAULT_CONNECT_URL}
  $ kconnect plugins                              the connector classes the worker has
  $ kconnect create lines --class FileStreamSource --config file=/tmp/in.txt --config topic=lines --wait running
  $ kconnect create pg -f debezium-postgres.json --validate      check every field first
  $ kconnect update lines --config tasks.max=1    creates or replaces the config: safe to run again
  $ kconnect list                                 name, type, state, tasks running/total, topics
  $ kconnect status lines                         connector and tasks: state, worker, first line of a failure
  $ kconnect restart lines --tasks --failed-only --wait running
  $ kconnect pause lines && kconnect resume lines
  $ kconnect config lines --json > lines.json && kconnect update lines -f lines.json
  $ KAFKA_CONNECT_URL=https://connect:8083 kconnect list --ca ca.crt --user admin --password-file pw
Exit codes: 0 ok, 1 failed (unknown connector, invalid config, a task FAILED), 2 usage, 3 worker unreachable or
--wait timed out, 5 credentials or TLS refused, 130 Ctrl-C.`);

sub(program.command('list').description('connectors: name, type, state, tasks running/total, topics')).action((o) => done(listCommand(io, { client: client(o), json: o.json })));

sub(program.command('plugins').description('the connector plugins installed on the worker: class, type, version'))
  .option('--all', 'also converters, transforms and predicates', false)
  .action((o) => done(pluginsCommand(io, { client: client(o), json: o.json, all: o.all })));

const write = (name: string, description: string, mode: 'create' | 'update') =>
  sub(program.command(name).description(description))
    .argument('<name>', 'the connector name')
    .option('--class <class>', 'connector class: full name, simple name or alias (FileStreamSource)')
    .addOption(new Option('--config <key=value>', 'a connector config (repeatable)').argParser(collect(parseConfigEntry)).default([], 'none'))
    .option('-f, --file <file>', 'config as JSON: {"name":..., "config":{...}} or a flat object (- for stdin); --class and --config override it')
    .option('--validate', "run the plugin's validation first and print every field error", false)
    .addOption(waitFlag())
    .action((connector: string, o) => {
      const signal = interruptSignal();
      const opts: WriteOptions = {
        client: client(o, signal),
        json: o.json,
        name: connector,
        input: { ...(o.class ? { class: o.class } : {}), entries: o.config, ...(o.file ? { file: o.file } : {}) },
        validate: o.validate,
        ...(o.wait ? { wait: o.wait } : {}),
        waitMs: timeoutOf(o),
      };
      return done(writeCommand(io, opts, mode));
    });
write('create', 'create a connector (fails if the name exists)', 'create');
write('update', 'set the config of a connector, creating it if missing (PUT: idempotent, safe to re-run)', 'update');

sub(program.command('status').description('the connector and each task: state, worker, and the trace of a FAILED one'))
  .argument('<name>', 'the connector name')
  .option('-v, --verbose', 'the whole trace of a failure, not only its first line', false)
  .action((name: string, o) => done(statusCommand(io, { client: client(o), json: o.json, name, verbose: o.verbose })));

sub(program.command('topics').description('the topics the connector has used')).argument('<name>', 'the connector name').action((name: string, o) => done(topicsCommand(io, { client: client(o), json: o.json, name })));

sub(program.command('config').description('the connector config; --json prints what `update -f` takes'))
  .argument('<name>', 'the connector name')
  .action((name: string, o) => done(configCommand(io, { client: client(o), json: o.json, name })));

for (const [action, description] of [
  ['pause', 'pause the connector and its tasks (a source stops reading, a sink stops writing)'],
  ['resume', 'resume a paused connector'],
  ['delete', 'delete the connector (its config; topics and their data stay)'],
] as const) {
  sub(program.command(action).description(description))
    .argument('<name>', 'the connector name')
    .action((name: string, o) => done(actionCommand(io, { client: client(o), json: o.json, name, action })));
}

sub(program.command('restart').description('restart the connector; with --tasks its tasks too'))
  .argument('<name>', 'the connector name')
  .option('--tasks', 'also restart its tasks', false)
  .option('--failed-only', 'only what has FAILED', false)
  .addOption(waitFlag())
  .action((name: string, o) => done(restartCommand(io, { client: client(o, interruptSignal()), json: o.json, name, tasks: o.tasks, failedOnly: o.failedOnly, ...(o.wait ? { wait: o.wait } : {}), waitMs: timeoutOf(o) })));

await main(program);
