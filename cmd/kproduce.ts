#!/usr/bin/env node
// kproduce: send messages to a topic and print a delivery report for each. Declares the command; lib/produce does the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command, Option } from 'commander';
import { addConnectionOptions, connectionFrom } from '../lib/cli/connection.js';
import { collect, intInRange, parseHeader, parseTimeoutMs } from '../lib/cli/options.js';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { parseDelimiter } from '../lib/produce/input.js';
import { COMPRESSIONS } from '../lib/kafka/compressions.js';
import { messagesFromStdin, produceCommand } from '../lib/produce/command.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_LINGER_MS } from '../lib/produce/defaults.js';
import { registryFrom, registryOption } from '../lib/schemas/settings.js';
import { parseSchemaSpec } from '../lib/schemas/source.js';

const program = addConnectionOptions(
  new Command('kproduce')
    .description('Send messages to a Kafka topic; print a delivery report for each acknowledged message.')
    .argument('<topic>', 'topic to write to')
    .argument('[message...]', 'one message per argument; without any, one per line of stdin ("-" also means stdin)')
    .option('-f, --file <path>', 'read messages from a file instead of stdin')
    .addOption(new Option('-D, --delimiter <sep>', 'separator between messages in stdin or a file (escapes: \\n \\t \\0 \\xHH)').argParser(parseDelimiter).default(Buffer.from('\n'), '\\n'))
    .option('-k, --key <key>', 'key for every message (same key, same partition)')
    .addOption(new Option('-K, --key-separator <sep>', 'split each message at the first SEP into key and value').argParser(parseDelimiter).conflicts('key'))
    .addOption(new Option('-H, --header <name=value>', 'add a header to every message (repeatable)').argParser(collect(parseHeader)))
    .addOption(new Option('-p, --partition <n>', 'write to this partition instead of choosing by key').argParser(intInRange(0, 1_000_000)))
    .option('--tombstone', 'send empty values as null (deletes on compacted topics); with -k and no message, send one', false)
    .addOption(new Option('--json-input', 'each message is a JSON object as kconsume --json prints it').default(false).conflicts('keySeparator'))
    .addOption(new Option('--acks <acks>', 'acknowledgements to wait for: all (idempotent), 1 (leader) or 0 (none)').choices(['all', '1', '0']).default('all'))
    .addOption(new Option('-z, --compression <codec>', 'compress batches').choices([...COMPRESSIONS]).default('none'))
    .addOption(new Option('--linger <ms>', 'how long a partly filled batch waits for more messages').argParser(intInRange(0, 60_000)).default(DEFAULT_LINGER_MS))
    .addOption(new Option('--delivery-timeout <ms>', 'how long a batch may wait for its acknowledgement, retries included (rides out a leader failover)').argParser(parseTimeoutMs).default(DEFAULT_DELIVERY_TIMEOUT_MS))
    .addOption(new Option('--report <mode>', 'delivery reports: each message, a summary, or none (default: each for arguments and typed input, summary for stdin/-f)').choices(['each', 'summary', 'none']))
    .option('--json', 'print reports (and the summary) as JSON lines', false)
    .addOption(new Option('--value-schema <schema>', 'encode each value (JSON) with a schema: FILE (.avsc, .json, .proto; registered under TOPIC-value), SUBJECT[:VERSION] or id:N').argParser(parseSchemaSpec))
    .addOption(new Option('--key-schema <schema>', 'encode each key (JSON, or text for a string schema) the same way (TOPIC-key)').argParser(parseSchemaSpec))
    .option('--message <name>', 'Protobuf: the message type of the value (default: the first in the file)')
    .option('--key-message <name>', 'Protobuf: the message type of the key')
    .option('--no-register', 'a schema FILE must already be registered under the subject; never register it')
    .addOption(registryOption()),
)
  .addHelpText('after', `
Examples:
  $ kproduce teste hello                          one message, one delivery report
  $ kproduce teste -k user-1 "first" "second"     same key: same partition, order kept
  $ seq 1000 | kproduce teste                     one message per line of stdin; a summary at the end
  $ kproduce teste -                             type messages on a terminal, one per line; Ctrl-D ends
  $ kproduce teste -f orders.txt -K :             lines like "user-1:payload", keyed
  $ kproduce teste -H source=cli -z zstd hello    a header, compressed
  $ kproduce teste -k user-1 --tombstone          delete user-1 from a compacted topic
  $ kconsume src -e --from-beginning --json | kproduce dst --json-input   copy a topic
  $ kproduce orders --value-schema order.avsc '{"id":"o-1","cents":250}'   Avro, with a registry (docs/schemas.md)
Exit code 0 only if every message was acknowledged. Ctrl-C stops reading, waits for what was sent, exits 130.`)
  .action(async (topic: string, messages: string[], o) => {
    const signal = interruptSignal();
    await produceCommand(processIo(), {
      topic,
      messages,
      file: o.file,
      delimiter: o.delimiter,
      key: o.key,
      keySeparator: o.keySeparator,
      headers: o.header,
      partition: o.partition,
      tombstone: o.tombstone,
      jsonInput: o.jsonInput,
      acks: o.acks,
      compression: o.compression,
      lingerMs: o.linger,
      deliveryTimeoutMs: o.deliveryTimeout,
      report: o.report,
      json: o.json,
      schemas: { valueSchema: o.valueSchema, keySchema: o.keySchema, valueMessage: o.message, keyMessage: o.keyMessage, register: o.register, registry: registryFrom(o, process.env, signal) },
      // Stdin carries the messages unless they are arguments or -f: then it cannot also carry --password-stdin.
      connection: connectionFrom(o, { stdinIsData: o.file === undefined && messagesFromStdin(messages) }),
      signal,
    });
  });

// With no reader for the reports (`| head -1`), the input is still sent: exit 0 must mean every message was acknowledged.
await main(program, process.argv, { closedStdout: 'ignore' });
