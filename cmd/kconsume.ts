#!/usr/bin/env node
// kconsume: print the records of one or more topics. Declares the command; lib/consume does the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command, InvalidArgumentError, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { collect, intInRange, parseOffset, parsePattern, parseSince, parseTimeoutMs } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { consumeCommand } from '../lib/consume/command.js';
import { compileFormat, FORMAT_TOKENS } from '../lib/consume/format.js';
import { registryFrom, registryOption } from '../lib/schemas/settings.js';

const parseFormat = (template: string) => {
  try {
    return compileFormat(template);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message}; tokens: ${FORMAT_TOKENS}.`);
  }
};

const program = addConnectionOptions(
  new Command('kconsume')
    .description('Print the records of Kafka topics, one per line, as a member of a consumer group.')
    .argument('[topic...]', 'topics to read')
    .option('-g, --group <id>', 'consumer group; members of one group split the partitions (default: a throwaway group)')
    .addOption(new Option('-p, --partition <n>', 'read only this partition (repeatable); not with -g').argParser(collect(intInRange(0, 1_000_000))).conflicts('group'))
    .addOption(new Option('--pattern <regex>', 'also read every topic whose whole name matches').argParser(parsePattern))
    .option('--from-beginning', 'start at the earliest offset where the group has no committed offset', false)
    .addOption(new Option('-o, --offset <where>', 'start at: beginning | end | stored | N | -N (the last N of each partition)').argParser(parseOffset))
    .addOption(new Option('--since <when>', 'start at the first record since: 1h, 7d, 2w, or 2026-11-01T09:30Z').argParser((v) => parseSince(v)).conflicts('offset'))
    .addOption(new Option('-n, --max-messages <n>', 'exit after this many records').argParser(intInRange(1, Number.MAX_SAFE_INTEGER)))
    .option('-e, --exit', 'exit at the end of every assigned partition', false)
    .addOption(new Option('--idle-timeout <ms>', 'exit when no record has arrived for this long').argParser(parseTimeoutMs))
    .addOption(new Option('--json', 'one JSON object per record (topic, partition, offset, timestamp, key, value, headers)').default(false).conflicts(['format', 'raw', 'verbose']))
    .addOption(new Option('-F, --format <template>', 'kcat-style template, e.g. "%k=%s\\n" (%t %p %o %k %s %T %h %K %S)').argParser(parseFormat).conflicts(['raw', 'verbose']))
    .addOption(new Option('--raw', 'the value bytes only, one per line').default(false).conflicts('verbose'))
    .option('--verbose', 'pretty lines with timestamp and headers', false)
    .addOption(registryOption()),
)
  .addHelpText('after', `
Examples:
  $ kconsume teste --group g1 --from-beginning   read everything, as group g1
  $ kconsume teste -g g1 -e                      read what is new for g1, then exit
  $ kconsume teste --since 7d -e                 everything since last week
  $ kconsume teste -o -10 -e                     the last 10 records of each partition
  $ kconsume teste -p 0 -o 42 -n 1               the record at offset 42 of partition 0
  $ kconsume --pattern 'orders-.*' --from-beginning
  $ kconsume teste -e -F '%p:%o %k=%s\\n'         kcat-style output
  $ kconsume teste --from-beginning -e --json | jq .value
  $ kconsume orders -e --registry http://localhost:8081   Avro, Protobuf and JSON Schema values decoded (docs/schemas.md)
Without -g, a throwaway group reads (and is deleted at exit). With -g, -o and --since move the group's
position on the partitions this process is first given. Ctrl-C stops cleanly: the offsets of printed
records are committed, then it exits 130.`)
  .action(async (topics: string[], o) => {
    const signal = interruptSignal();
    await consumeCommand(processIo(), {
      topics,
      pattern: o.pattern,
      group: o.group,
      partitions: o.partition,
      fromBeginning: o.fromBeginning,
      offset: o.offset,
      since: o.since,
      maxMessages: o.maxMessages,
      exit: o.exit,
      idleTimeoutMs: o.idleTimeout,
      json: o.json,
      raw: o.raw,
      verbose: o.verbose,
      format: o.format,
      connection: connectionFrom(o),
      registry: registryFrom(o, process.env, signal),
      signal,
    });
  });

// A closed stdout stops kconsume like -n or Ctrl-C do: it leaves its group before exiting 0.
await main(program, process.argv, { closedStdout: 'stop' });
