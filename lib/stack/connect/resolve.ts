// Resolves one POM's runtime jars from Maven Central into a cache directory, once; a half-done resolve is never used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../../errors.js';
import { RESOLVE_TIMEOUT_MS } from '../maven.js';
import { requireProgram, runToEnd } from '../process.js';

export interface Resolution {
  /** The POM's text: its digest marks a complete resolve, so an edited POM resolves again. */
  pom: string;
  /** The cache entry: `<dir>/<jarsSubdir>` holds the jars, `<dir>/resolved.sha256` the digest. */
  dir: string;
  jarsSubdir: string;
  /** For messages: "Kafka Connect 3.9.2", "plugin io.debezium:...". */
  what: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export function cachedResolution(r: Resolution): string | undefined {
  const marker = join(r.dir, 'resolved.sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === digest(r.pom)) return join(r.dir, r.jarsSubdir);
  return undefined;
}

/** Returns the jar directory, running `mvn dependency:copy-dependencies` first if the cache lacks it. */
export async function ensureResolved(r: Resolution, onResolve?: () => void): Promise<string> {
  const hit = cachedResolution(r);
  if (hit) return hit;
  onResolve?.();
  requireProgram('mvn', ['--version'], 'Maven', 'install Maven 3 (Debian: apt-get install maven); kstack resolves jars from Maven Central with it');
  const staging = `${r.dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const pomFile = join(staging, 'pom.xml');
    writeFileSync(pomFile, r.pom);
    await runToEnd('mvn', ['-B', '-q', '-f', pomFile, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(staging, r.jarsSubdir)}`], {
      timeoutMs: RESOLVE_TIMEOUT_MS,
      what: `resolving ${r.what} with Maven`,
    });
    writeFileSync(join(staging, 'resolved.sha256'), digest(r.pom) + '\n');
    rmSync(r.dir, { recursive: true, force: true });
    try {
      renameSync(staging, r.dir);
    } catch (e) {
      // Another kstack finished the same resolve first; use its result.
      if (!cachedResolution(r)) throw e;
    }
  } catch (e) {
    if (e instanceof KtoolError) {
      // Maven's own reason is one line in 15 of its output (the rest, with --debug, is in the cause).
      const missing = /(?:Could not find artifact (\S+)|(\S+) was not found) in (\S+)/.exec(e.message);
      const message = missing ? `cannot resolve ${r.what}: ${missing[1] ?? missing[2]} is not in ${missing[3]}` : e.message;
      throw new KtoolError(e.code, message, { exitCode: EXIT.environment, hint: 'check the coordinates (GROUP:ARTIFACT:VERSION on https://central.sonatype.com), and that Maven Central is reachable', cause: e });
    }
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(r.dir, r.jarsSubdir);
}
