#!/usr/bin/env node
// npm run quickstart: start a local Kafka if none answers, send "hello" to teste, read it back. lib/quickstart does the work.
import '../lib/cli/compile-cache.js'; // first: Node 22.1+ caches what is compiled after it
import { Command } from 'commander';
import { main } from '../lib/cli/run.js';
import { interruptSignal } from '../lib/cli/signals.js';
import { processIo } from '../lib/io.js';
import { quickstart } from '../lib/quickstart/quickstart.js';

const program = new Command('quickstart')
  .description('Start a local Kafka unless one answers (KAFKA_BROKERS, else 127.0.0.1:9092), send "hello" to teste and read it back.')
  .option('--debug', 'stack traces on errors', false)
  .action(() => quickstart(processIo(), interruptSignal()));

await main(program);
