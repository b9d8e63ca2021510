#!/usr/bin/env node
// kgroups: list, describe, reset and delete consumer groups. Declares the command; lib/groups and lib/groups-reset do the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { collect, parseOffsetNumber, parseShift, parseSince } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { groupsDelete, groupsDescribe, groupsList } from '../lib/groups/groups.js';
import { groupsReset, targetFrom } from '../lib/groups/reset.js';
import { processIo } from '../lib/io.js';

const io = processIo();
/** Actions return what they did (for tests); commander wants nothing back. */
const done = async (work: Promise<unknown>): Promise<void> => void (await work);
/** Connection flags and --json on every subcommand, so they can follow the subcommand's name. */
const sub = (cmd: Command) => addConnectionOptions(cmd).option('--json', 'one JSON object per line (shapes in the README)', false);
const TARGETS = ['toEarliest', 'toLatest', 'toOffset', 'toDatetime', 'shiftBy'];
const others = (me: string) => TARGETS.filter((t) => t !== me);

const program = new Command('kgroups')
  .description('List, describe, reset and delete Kafka consumer groups.')
  .addHelpText('after', `
Examples:
  $ kgroups list                                  group, state, members, protocol
  $ kgroups describe g1                           members, their partitions, committed offsets and lag
  $ kgroups reset g1 -t orders --to-earliest --dry-run    show the plan, change nothing
  $ kgroups reset g1 -t orders --to-datetime 2026-11-01T09:30Z
  $ kgroups reset g1 -t orders --shift-by -100    re-read the last 100 of each partition
  $ kgroups delete g1 g2
A group can be reset only while none of its consumers runs.`);

sub(program.command('list').description('list groups: state, number of members, assignment protocol')).action((o) => done(groupsList(io, { connection: connectionFrom(o), json: o.json })));

sub(program.command('describe').description('members (client id, host, partitions) and, per partition, committed offset, log end offset and lag'))
  .argument('<group...>', 'groups to describe')
  .addOption(new Option('-t, --topic <topic>', 'only these topics (repeatable; default: every topic the group has offsets on)').argParser(collect((v: string) => v)))
  .action((groups: string[], o) => done(groupsDescribe(io, { connection: connectionFrom(o), json: o.json, groups, topics: o.topic })));

sub(program.command('reset').description("move a group's committed offsets on a topic; the group must have no running consumer"))
  .argument('<group>', 'group to move')
  .requiredOption('-t, --topic <topic>', 'topic whose offsets move (every partition)')
  .addOption(new Option('--to-earliest', 'to the earliest offset still retained').conflicts(others('toEarliest')))
  .addOption(new Option('--to-latest', 'to the end: skip everything there is now').conflicts(others('toLatest')))
  .addOption(new Option('--to-offset <n>', 'to offset N (clamped to what each partition holds)').argParser(parseOffsetNumber).conflicts(others('toOffset')))
  .addOption(new Option('--to-datetime <when>', 'to the first record since: 1h, 7d, 2026-11-01T09:30Z (as kconsume --since)').argParser((v) => parseSince(v)).conflicts(others('toDatetime')))
  .addOption(new Option('--shift-by <n>', 'move by N (negative: back), within earliest..latest').argParser(parseShift).conflicts(others('shiftBy')))
  .option('--dry-run', 'print the plan (current → new per partition) and change nothing', false)
  .action((group: string, o) => done(groupsReset(io, { connection: connectionFrom(o), json: o.json, group, topic: o.topic, target: targetFrom(o), dryRun: o.dryRun })));

sub(program.command('delete').description('delete groups and their committed offsets; a group with running consumers is refused'))
  .argument('<group...>', 'groups to delete')
  .action((groups: string[], o) => done(groupsDelete(io, { connection: connectionFrom(o), json: o.json, groups })));

await main(program);
