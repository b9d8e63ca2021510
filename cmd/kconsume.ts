#!/usr/bin/env node
// kconsume: print the records of one or more topics. Declares the command; lib/consume does the work.
import { Command, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { intInRange } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { consumeCommand } from '../lib/consume-command.js';

const program = addConnectionOptions(
  new Command('kconsume')
    .description('Print the records of Kafka topics, one per line, as a member of a consumer group.')
    .argument('<topic...>', 'topics to read')
    .option('-g, --group <id>', 'consumer group; members of one group split the partitions (default: a throwaway group)')
    .option('--from-beginning', 'start at the earliest offset where the group has no committed offset', false)
    .addOption(new Option('-n, --max-messages <n>', 'exit after this many records').argParser(intInRange(1, Number.MAX_SAFE_INTEGER)))
    .option('-e, --exit', 'exit at the end of every assigned partition', false)
    .option('--json', 'one JSON object per record (topic, partition, offset, timestamp, key, value, headers)', false),
)
  .addHelpText('after', `
Examples:
  $ kconsume teste --group g1 --from-beginning   read everything, as group g1
  $ kconsume teste -g g1 -e                      read what is new for g1, then exit
  $ kconsume teste --from-beginning -e --json | jq .value
Ctrl-C stops cleanly: the offsets of printed records are committed, then it exits 130.`)
  .action((topics: string[], o) =>
    consumeCommand(processIo(), { topics, group: o.group, fromBeginning: o.fromBeginning, maxMessages: o.maxMessages, exit: o.exit, json: o.json, connection: connectionFrom(o), signal: interruptSignal() }),
  );

await main(program);
