// Preloaded with NODE_OPTIONS=--import by test/e2e/startup.test.ts: at exit, says on stderr whether kafkajs was loaded.
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  // The client itself: lib/kafka/partitioner.ts takes kafkajs's murmur2 file alone, which loads nothing else.
  const loaded = Object.keys(cache).some((path) => path.endsWith('/node_modules/kafkajs/index.js'));
  process.stderr.write(`kafkajs loaded: ${loaded ? 'yes' : 'no'}\n`);
});
