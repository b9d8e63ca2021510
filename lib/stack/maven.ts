// Resolves a Kafka release's jars from Maven Central into the cache, once; a half-done resolve is never used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../errors.js';
import { pomPath } from './paths.js';
import { requireProgram, runToEnd } from './process.js';
import type { KafkaVersion } from './versions.js';

/** Resolving from an empty ~/.m2 took ~35 s here; the cap is for a slow mirror, not a normal run. */
export const RESOLVE_TIMEOUT_MS = 10 * 60_000;

function pomDigest(kafka: KafkaVersion): string {
  return createHash('sha256').update(readFileSync(pomPath(kafka.pom))).digest('hex');
}

/** The directory of jars for a release, if the cache holds a complete resolve of the current pom. */
export function cachedJars(kafka: KafkaVersion, cacheDir: string): string | undefined {
  const dir = join(cacheDir, `kafka-${kafka.version}`);
  const marker = join(dir, 'resolved.sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomDigest(kafka)) return join(dir, 'libs');
  return undefined;
}

/** Returns the jar directory, running Maven first if the cache lacks it. */
export async function ensureJars(kafka: KafkaVersion, cacheDir: string, onResolve?: () => void): Promise<string> {
  const hit = cachedJars(kafka, cacheDir);
  if (hit) return hit;
  onResolve?.();
  requireProgram('mvn', ['--version'], 'Maven', 'install Maven 3 (Debian: apt-get install maven); kstack resolves Kafka\'s jars from Maven Central with it');
  const dir = join(cacheDir, `kafka-${kafka.version}`);
  const staging = join(cacheDir, `.staging-${kafka.version}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await runToEnd(
      'mvn',
      ['-B', '-q', '-f', pomPath(kafka.pom), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(staging, 'libs')}`],
      { timeoutMs: RESOLVE_TIMEOUT_MS, what: `resolving Kafka ${kafka.version} with Maven` },
    );
    writeFileSync(join(staging, 'resolved.sha256'), pomDigest(kafka) + '\n');
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another kstack finished the same resolve first; use its result.
      if (!cachedJars(kafka, cacheDir)) throw e;
    }
  } catch (e) {
    if (e instanceof KtoolError) {
      throw new KtoolError(e.code, e.message, { exitCode: EXIT.environment, hint: 'check that Maven Central is reachable (mvn -B dependency:get)', cause: e });
    }
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(dir, 'libs');
}
