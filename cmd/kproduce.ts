#!/usr/bin/env node
// kproduce: send messages to a topic and print a delivery report for each. Declares the command; lib/produce does the work.
import { Command, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { intInRange } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { produceCommand } from '../lib/produce-command.js';

const program = addConnectionOptions(
  new Command('kproduce')
    .description('Send messages to a Kafka topic; print a delivery report for each acknowledged message.')
    .argument('<topic>', 'topic to write to')
    .argument('[message...]', 'one message per argument; without any, one message per line of stdin ("-" also means stdin)')
    .option('-k, --key <key>', 'key for every message (same key, same partition)')
    .addOption(new Option('-p, --partition <n>', 'write to this partition instead of choosing by key').argParser(intInRange(0, 1_000_000)))
    .addOption(new Option('--acks <acks>', 'acknowledgements to wait for: all (idempotent), 1 (leader) or 0 (none)').choices(['all', '1', '0']).default('all'))
    .option('--json', 'print each delivery report as a JSON line', false),
)
  .addHelpText('after', `
Examples:
  $ kproduce teste hello                       one message, one delivery report
  $ kproduce teste -k user-1 "first" "second"  same key: same partition, order kept
  $ seq 1000 | kproduce teste                  one message per line of stdin
  $ kproduce teste hello --json                {"topic":"teste","partition":0,"offset":5,...}`)
  .action((topic: string, messages: string[], o) =>
    produceCommand(processIo(), { topic, messages, key: o.key, partition: o.partition, acks: o.acks, json: o.json, connection: connectionFrom(o), signal: interruptSignal() }),
  );

await main(program);
