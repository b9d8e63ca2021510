#!/usr/bin/env node
// ktopics: list, describe, create, delete and alter Kafka topics. Declares the command; lib/topics does the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { collect, intInRange, parseConfigEntry } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { processIo } from '../lib/io.js';
import { DEFAULT_PARTITIONS } from '../lib/stack/versions.js';
import { topicsAlter, topicsCreate, topicsDelete, topicsDescribe, topicsList } from '../lib/topics/topics.js';

const io = processIo();
/** Actions return what they did (for tests); commander wants nothing back. */
const done = async (work: Promise<unknown>): Promise<void> => void (await work);
/** Connection flags and --json on every subcommand, so they can follow the subcommand's name. */
const sub = (cmd: Command) => addConnectionOptions(cmd).option('--json', 'one JSON object per line (shapes in the README)', false);
const configFlag = () => new Option('--config <name=value>', 'a topic config, e.g. retention.ms=86400000 (repeatable)').argParser(collect(parseConfigEntry)).default([], 'none');

const program = new Command('ktopics')
  .description('List, describe, create, delete and alter Kafka topics.')
  .addHelpText('after', `
Examples:
  $ ktopics list                                  name, partitions, replication factor
  $ ktopics list --internal --json                also __consumer_offsets and other internal topics
  $ ktopics describe orders                       leaders, replicas, in-sync replicas, offsets, configs
  $ ktopics create orders -P 6 -r 3 --config retention.ms=86400000
  $ ktopics create orders --if-not-exists         succeed if it already exists
  $ ktopics alter orders --partitions 12          partitions can only grow
  $ ktopics alter orders --config cleanup.policy=compact    other configs set on the topic are kept
  $ ktopics delete orders --yes                   without --yes, asks on a terminal
Under-replicated partitions (fewer in-sync replicas than replicas) show in red, and in JSON as "underReplicated".`);

sub(program.command('list').description('list topics: name, partitions, replication factor'))
  .option('--internal', "include Kafka's internal topics (__consumer_offsets, ...)", false)
  .action((o) => done(topicsList(io, { connection: connectionFrom(o), json: o.json, internal: o.internal })));

sub(program.command('describe').description('per partition: leader, replicas, ISR, earliest and latest offset, messages; and the configs set on the topic'))
  .argument('<topic...>', 'topics to describe')
  .action((topics: string[], o) => done(topicsDescribe(io, { connection: connectionFrom(o), json: o.json, topics })));

sub(program.command('create').description('create a topic'))
  .argument('<topic>', 'name of the new topic')
  .addOption(new Option('-P, --partitions <n>', 'number of partitions').argParser(intInRange(1, 100_000)).default(DEFAULT_PARTITIONS))
  .addOption(new Option('-r, --replication-factor <n>', "replicas of each partition (default: the brokers' default.replication.factor)").argParser(intInRange(1, 32_767)))
  .addOption(configFlag())
  .option('--if-not-exists', 'succeed, changing nothing, if the topic already exists', false)
  .action((topic: string, o) =>
    done(topicsCreate(io, { connection: connectionFrom(o), json: o.json, topic, partitions: o.partitions, replicationFactor: o.replicationFactor, configs: o.config, ifNotExists: o.ifNotExists })),
  );

sub(program.command('delete').description('delete topics and all their records; asks first on a terminal'))
  .argument('<topic...>', 'topics to delete')
  .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)', false)
  .action((topics: string[], o) => done(topicsDelete(io, { connection: connectionFrom(o), json: o.json, topics, yes: o.yes })));

sub(program.command('alter').description('add partitions, or set and remove topic configs (the others set on the topic are kept)'))
  .argument('<topic>', 'topic to alter')
  .addOption(new Option('--partitions <n>', 'grow the topic to N partitions (Kafka cannot decrease them)').argParser(intInRange(1, 100_000)))
  .addOption(configFlag())
  .addOption(new Option('--delete-config <name>', 'remove a config from the topic: back to the broker default (repeatable)').argParser(collect((v: string) => v)).default([], 'none'))
  .action((topic: string, o) => done(topicsAlter(io, { connection: connectionFrom(o), json: o.json, topic, partitions: o.partitions, set: o.config, unset: o.deleteConfig })));

await main(program);
