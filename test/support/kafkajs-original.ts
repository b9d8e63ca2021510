// kafkajs's own modules, for tests that compare our replacements (lib/kafka/patches.ts) with what they replace.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Loads kafkajs's own module, bypassing the cache entry our patch put there. */
export function original<T>(id: string): T {
  const path = require.resolve(id);
  const saved = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as T;
  } finally {
    if (saved) require.cache[path] = saved;
  }
}
