// Preloaded with NODE_OPTIONS=--import by test/e2e/startup.test.ts: at exit, says on stderr whether kafkajs was loaded.
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).some((path) => path.includes('/node_modules/kafkajs/'));
  process.stderr.write(`kafkajs loaded: ${loaded ? 'yes' : 'no'}\n`);
});
