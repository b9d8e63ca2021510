// Finds a Java of at least a given feature version (the registry needs 21+ while Kafka runs on 17): JAVA_HOME, PATH, then /usr/lib/jvm.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../errors.js';

export interface FoundJava {
  bin: string;
  /** The feature version: 17, 21, 25. */
  version: number;
}

/** Where distributions install JDKs (Debian/Ubuntu and Temurin's packages, Fedora, macOS). */
const JVM_DIRS = ['/usr/lib/jvm', '/usr/java', '/opt/java', '/Library/Java/JavaVirtualMachines'];

/** The feature version a `release` file (JAVA_VERSION="25.0.3") or `java -version` text (version "17.0.15") names. */
export function parseJavaVersion(text: string): number | undefined {
  const m = /(?:JAVA_VERSION=|version )"(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  // Java 8 and older say "1.8.0".
  return m[1] === '1' && m[2] ? Number(m[2]) : Number(m[1]);
}

/** A java binary's version: from the `release` file beside its bin/ (no JVM start), else from `java -version`. */
export function javaVersion(bin: string): number | undefined {
  const release = join(bin, '..', '..', 'release');
  if (bin.includes('/') && existsSync(release)) {
    const v = parseJavaVersion(readFileSync(release, 'utf8'));
    if (v !== undefined) return v;
  }
  const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) return undefined;
  return parseJavaVersion(`${r.stderr}${r.stdout}`);
}

/**
 * Every java to try, in order: $KSTACK_REGISTRY_JAVA_HOME (a newer Java for the registry only, leaving the brokers on
 * JAVA_HOME's), $JAVA_HOME, the one on PATH, then each JDK under the usual directories (newest first).
 */
export function javaCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list: string[] = [];
  if (env.KSTACK_REGISTRY_JAVA_HOME) list.push(join(env.KSTACK_REGISTRY_JAVA_HOME, 'bin', 'java'));
  if (env.JAVA_HOME) list.push(join(env.JAVA_HOME, 'bin', 'java'));
  list.push('java');
  for (const dir of JVM_DIRS) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort().reverse();
    } catch {
      continue;
    }
    for (const name of names) {
      for (const bin of [join(dir, name, 'bin', 'java'), join(dir, name, 'Contents', 'Home', 'bin', 'java')]) if (existsSync(bin)) list.push(bin);
    }
  }
  return [...new Set(list)];
}

/** The first candidate of at least `min`; undefined when none is. */
export function findJava(min: number, env: NodeJS.ProcessEnv = process.env): FoundJava | undefined {
  for (const bin of javaCandidates(env)) {
    const version = javaVersion(bin);
    if (version !== undefined && version >= min) return { bin, version };
  }
  return undefined;
}

/** findJava, or exit 4 saying what to install. */
export function requireJava(min: number, what: string, env: NodeJS.ProcessEnv = process.env): FoundJava {
  const found = findJava(min, env);
  if (found) return found;
  throw new KtoolError('MISSING_PROGRAM', `${what} needs Java ${min} or newer, and none was found (tried KSTACK_REGISTRY_JAVA_HOME, JAVA_HOME, java on PATH and ${JVM_DIRS.join(', ')})`, {
    exitCode: EXIT.environment,
    hint: `install a JDK ${min}+ (Debian 13/Ubuntu 24.04: apt-get install openjdk-${min}-jre-headless; Debian 12 has none: Eclipse Temurin ${min}+), or point KSTACK_REGISTRY_JAVA_HOME at one`,
  });
}
