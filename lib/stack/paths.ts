// Where kstack keeps things: the package root, the jar cache and the run directory (state, configs, data).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding our package.json, found from this file whether it runs from lib/ or dist/lib/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export interface StackPaths {
  /** Resolved jars, one directory per Kafka release; shared by every run. */
  cacheDir: string;
  /** One stack's state file, configs, logs and data. */
  runDir: string;
}

/**
 * KSTACK_HOME (default: `.kstack/` in the package, git-ignored) holds `cache/` and `run/`;
 * KSTACK_RUN_DIR overrides the run directory alone, so tests get a private stack but share the jars; KSTACK_CACHE_DIR
 * overrides the jar cache alone.
 */
export function stackPaths(env: NodeJS.ProcessEnv = process.env, overrides: Partial<StackPaths> = {}): StackPaths {
  const home = resolve(env.KSTACK_HOME ?? join(packageRoot(), '.kstack'));
  return {
    cacheDir: resolve(overrides.cacheDir ?? env.KSTACK_CACHE_DIR ?? join(home, 'cache')),
    runDir: resolve(overrides.runDir ?? env.KSTACK_RUN_DIR ?? join(home, 'run')),
  };
}

export function pomPath(pom: string): string {
  return join(packageRoot(), 'lib', 'stack', 'maven', pom);
}
