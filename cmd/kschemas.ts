#!/usr/bin/env node
// kschemas: subjects, versions and compatibility in a Schema Registry (Confluent's API). Declares the command; lib/schemas does the work.
import { Command, Option } from 'commander';
import { collect, intInRange, parseTimeoutMs } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { DEFAULT_TIMEOUT_MS, ENV } from '../lib/config/config.js';
import { processIo } from '../lib/io.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { COMPATIBILITY_LEVELS, schemasCheck, schemasConfig, schemasDelete, schemasGet, schemasList, schemasRegister, schemasVersions } from '../lib/schemas/kschemas.js';
import { registryFrom, registryOption } from '../lib/schemas/settings.js';
import { parseReference, parseSubjectMaybeVersion, parseSubjectVersion, TYPE_NAMES } from '../lib/schemas/source.js';

const io = processIo();
const done = async (work: Promise<unknown>): Promise<void> => void (await work);
/** The registry flags and --json on every subcommand, so they can follow the subcommand's name. */
const sub = (cmd: Command) =>
  cmd
    .addOption(registryOption())
    .addOption(new Option('--timeout <ms>', `how long to wait for the registry (default: the profile's, else ${DEFAULT_TIMEOUT_MS})`).argParser(parseTimeoutMs))
    .option('--profile <name>', `a profile of the config file (${ENV.profile}): its "schemaRegistry" and "timeout"`)
    .option('--json', 'one JSON object per line (shapes in docs/schemas.md)', false)
    .option('--debug', 'stack traces on errors', false);
const common = (o: { json: boolean; registry?: string; profile?: string; timeout?: number }) => ({ json: o.json, registry: registryFrom(o, io.env, interruptSignal()) });
const typeOption = () => new Option('--type <type>', 'schema type (default: from the extension: .avsc avro, .json json, .proto protobuf)').choices(Object.keys(TYPE_NAMES));
const referencesOption = () =>
  new Option('--references <name=subject:version>', 'a schema it references: its import/type name, and the subject version that holds it (repeatable)').argParser(collect(parseReference)).default([], 'none');
const schemaType = (t?: string) => (t ? TYPE_NAMES[t] : undefined);

const program = new Command('kschemas')
  .description("Subjects, versions and compatibility in a Schema Registry (Confluent's API: Confluent Schema Registry, Apicurio, Redpanda, Karapace).")
  .addHelpText('after', `
The registry: --registry URL, else ${ENV.schemaRegistry}, else the profile's "schemaRegistry"
(\`kstack up --registry\` starts one and prints the URL). Credentials go in the URL: https://user:password@host.

Examples:
  $ kschemas list                                   subjects
  $ kschemas register orders-value order.avsc       register (or find) a schema; prints its version and id
  $ kschemas register orders-value order.proto --references money.proto=money-value:1
  $ kschemas check orders-value order-v2.avsc       compatible with the latest version? with the reasons
  $ kschemas versions orders-value
  $ kschemas get orders-value:2                     one version (or orders-value, the latest); get --id 7 by id
  $ kschemas config orders-value --compatibility FULL
  $ kschemas delete orders-value:1 --yes            soft delete; --permanent removes it for good
Subjects follow Confluent's TopicNameStrategy: the values of topic "orders" are under orders-value, keys under orders-key.`);

sub(program.command('list').description('list subjects'))
  .option('--deleted', 'include soft-deleted subjects', false)
  .option('--prefix <text>', 'only subjects starting with this')
  .action((o) => done(schemasList(io, { ...common(o), deleted: o.deleted, prefix: o.prefix })));

sub(program.command('versions').description("list a subject's versions"))
  .argument('<subject>', 'subject, e.g. orders-value')
  .action((subject: string, o) => done(schemasVersions(io, { ...common(o), subject })));

sub(program.command('get').description('print a schema: a subject version (the latest by default), or the schema with a global id'))
  .argument('[subject[:version]]', 'e.g. orders-value, orders-value:2, orders-value:latest')
  .addOption(new Option('--id <n>', 'the schema with this global id').argParser(intInRange(0, 2_147_483_647)))
  .action((spec: string | undefined, o) => {
    if (o.id !== undefined && spec !== undefined) program.error('error: give SUBJECT[:VERSION] or --id N, not both', { exitCode: 2 });
    if (o.id === undefined && spec === undefined) program.error('error: give SUBJECT[:VERSION] or --id N', { exitCode: 2 });
    return done(schemasGet(io, { ...common(o), ...(o.id !== undefined ? { id: o.id as number } : parseSubjectVersion(spec!)) }));
  });

sub(program.command('register').description('register a schema file under a subject (an identical schema returns its existing id)'))
  .argument('<subject>', 'subject, e.g. orders-value')
  .argument('<file>', 'schema file: .avsc (Avro), .json (JSON Schema) or .proto (Protobuf)')
  .addOption(typeOption())
  .addOption(referencesOption())
  .action((subject: string, file: string, o) => done(schemasRegister(io, { ...common(o), subject, file, references: o.references, ...(o.type ? { type: schemaType(o.type)! } : {}) })));

sub(program.command('check').description("is a schema file compatible with a subject's latest version (or --version N) under its compatibility rule? exits 1 if not, with the reasons"))
  .argument('<subject>', 'subject, e.g. orders-value')
  .argument('<file>', 'schema file: .avsc, .json or .proto')
  .addOption(new Option('--version <n>', 'check against this version instead of the latest').argParser(intInRange(1, 2_147_483_647)))
  .addOption(typeOption())
  .addOption(referencesOption())
  .action((subject: string, file: string, o) =>
    done(schemasCheck(io, { ...common(o), subject, file, references: o.references, version: o.version ?? 'latest', ...(o.type ? { type: schemaType(o.type)! } : {}) })),
  );

sub(program.command('config').description("show or set the compatibility rule of a subject, or the registry's global one"))
  .argument('[subject]', 'subject; the global rule when absent')
  .addOption(new Option('--compatibility <level>', 'set it').choices(COMPATIBILITY_LEVELS))
  .action((subject: string | undefined, o) => done(schemasConfig(io, { ...common(o), ...(subject ? { subject } : {}), ...(o.compatibility ? { compatibility: o.compatibility } : {}) })));

sub(program.command('delete').description('delete a subject (every version) or one version; soft unless --permanent; asks first on a terminal'))
  .argument('<subject[:version]>', 'e.g. orders-value (every version) or orders-value:1')
  .option('--permanent', 'remove for good (soft-deleting first, as the registry requires); its ids stop decoding', false)
  .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)', false)
  .action((spec: string, o) => done(schemasDelete(io, { ...common(o), ...parseSubjectMaybeVersion(spec), permanent: o.permanent, yes: o.yes })));

await main(program);
