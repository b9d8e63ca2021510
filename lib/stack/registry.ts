// The local Schema Registry of `kstack up --registry`: Apicurio Registry on a Java 21+ JVM, its own state file beside the brokers'.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, KtoolError } from '../errors.js';
import { requireJava } from './java-finder.js';
import { pomPath, type StackPaths } from './paths.js';
import { assertPortsFree } from './ports.js';
import { isOurs, requireProgram, runToEnd, spawnDetached, stopProcess, tail } from './process.js';
import { RESOLVE_TIMEOUT_MS } from './maven.js';
import { REGISTRY } from './versions.js';

export interface RegistryState {
  version: string;
  host: string;
  port: number;
  managementPort: number;
  /** What clients are given: KAFKA_SCHEMA_REGISTRY_URL (Confluent's API). */
  url: string;
  pid: number;
  /** A string only this registry's command line contains. */
  marker: string;
  logFile: string;
  java: string;
  startedAt: string;
}

export interface RegistryUpOptions {
  paths: StackPaths;
  host: string;
  port: number;
  timeoutMs: number;
  onProgress?: (text: string) => void;
}

export interface RegistryUpResult {
  state: RegistryState;
  alreadyRunning: boolean;
  elapsedMs: number;
}

/** Small and quick to start: measured ~265 MB RSS with these (300 MB without). */
const JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

const registryDir = (runDir: string) => join(runDir, 'registry');
export const registryStateFile = (runDir: string) => join(runDir, 'registry.json');
export const registryUrl = (host: string, port: number) => `http://${host}:${port}${REGISTRY.apiPath}`;

export function readRegistryState(runDir: string): RegistryState | undefined {
  const file = registryStateFile(runDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RegistryState) : undefined;
}

function writeRegistryState(runDir: string, state: RegistryState): void {
  mkdirSync(runDir, { recursive: true });
  const file = registryStateFile(runDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

function removeRegistry(runDir: string): void {
  rmSync(registryDir(runDir), { recursive: true, force: true });
  rmSync(registryStateFile(runDir), { force: true });
}

export const registryRunning = (s: RegistryState) => isOurs(s.pid, s.marker);

function pomDigest(): string {
  return createHash('sha256').update(readFileSync(pomPath(REGISTRY.pom))).digest('hex');
}

/** The unpacked app (the directory holding quarkus-run.jar), if the cache has a complete unpack of the current pom. */
export function cachedRegistryApp(cacheDir: string): string | undefined {
  const dir = join(cacheDir, `apicurio-registry-${REGISTRY.version}`);
  const marker = join(dir, 'resolved.sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomDigest()) return join(dir, 'app');
  return undefined;
}

/** Resolves and unpacks the app from Maven Central (~150 MB, once); a half-done unpack is never used. */
export async function ensureRegistryApp(cacheDir: string, onResolve?: () => void): Promise<string> {
  const hit = cachedRegistryApp(cacheDir);
  if (hit) return hit;
  onResolve?.();
  requireProgram('mvn', ['--version'], 'Maven', "install Maven 3 (Debian: apt-get install maven); kstack resolves the Schema Registry from Maven Central with it");
  const dir = join(cacheDir, `apicurio-registry-${REGISTRY.version}`);
  const staging = join(cacheDir, `.staging-registry-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await runToEnd('mvn', ['-B', '-q', '-f', pomPath(REGISTRY.pom), 'dependency:unpack', `-Dkstack.out=${staging}`], {
      timeoutMs: RESOLVE_TIMEOUT_MS,
      what: `resolving ${REGISTRY.name} ${REGISTRY.version} with Maven`,
    });
    if (!existsSync(join(staging, 'app', 'quarkus-run.jar'))) throw new KtoolError('BAD_ARTIFACT', `the ${REGISTRY.name} archive holds no quarkus-run.jar`);
    rmSync(join(staging, 'markers'), { recursive: true, force: true });
    writeFileSync(join(staging, 'resolved.sha256'), pomDigest() + '\n');
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      if (!cachedRegistryApp(cacheDir)) throw e; // another kstack finished the same unpack first
    }
  } catch (e) {
    if (e instanceof KtoolError) throw new KtoolError(e.code, e.message, { exitCode: EXIT.environment, hint: 'check that Maven Central is reachable (mvn -B dependency:get)', cause: e });
    throw e;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(dir, 'app');
}

/** Starts the registry unless the run directory's one already serves on the same address. */
export async function upRegistry(o: RegistryUpOptions): Promise<RegistryUpResult> {
  const started = Date.now();
  const progress = o.onProgress ?? (() => {});
  const { runDir, cacheDir } = o.paths;
  const existing = readRegistryState(runDir);
  if (existing && registryRunning(existing)) {
    if (existing.host === o.host && existing.port === o.port) return { state: existing, alreadyRunning: true, elapsedMs: Date.now() - started };
    throw new KtoolError('STACK_RUNNING', `a Schema Registry already runs from ${runDir} at ${existing.url}`, {
      exitCode: EXIT.usage,
      hint: `use --registry-port ${existing.port}, or stop it first with \`kstack down\``,
    });
  }
  if (existing) removeRegistry(runDir);
  const java = requireJava(REGISTRY.minJava, `the Schema Registry (${REGISTRY.name} ${REGISTRY.version})`);
  const managementPort = o.port + 1;
  if (managementPort > 65_535) throw new KtoolError('USAGE', `--registry-port ${o.port} leaves no room for the management port ${managementPort}`, { exitCode: EXIT.usage, hint: 'choose --registry-port 65534 or lower' });
  await assertPortsFree([o.port, managementPort], o.host);
  const app = await ensureRegistryApp(cacheDir, () => progress(`resolving ${REGISTRY.name} ${REGISTRY.version} from Maven Central (first time only, ~150 MB)`));

  const dir = registryDir(runDir);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'out.log');
  const marker = `-Dkstack.registry.dir=${dir}`;
  const props = {
    'quarkus.http.host': o.host,
    'quarkus.http.port': o.port,
    // Otherwise the management interface (health, metrics) binds 0.0.0.0:9000.
    'quarkus.management.host': o.host,
    'quarkus.management.port': managementPort,
    'quarkus.http.access-log.enabled': false,
    // Apicurio's default is NONE; Confluent's (what users meet in production) is BACKWARD.
    'apicurio.rules.global.compatibility': 'BACKWARD',
  };
  progress(`starting ${REGISTRY.name}`);
  const args = [...JVM_FLAGS, marker, ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), '-jar', join(app, 'quarkus-run.jar')];
  const pid = spawnDetached(java.bin, args, logFile, dir);
  const state: RegistryState = { version: REGISTRY.version, host: o.host, port: o.port, managementPort, url: registryUrl(o.host, o.port), pid, marker, logFile, java: java.bin, startedAt: new Date().toISOString() };
  writeRegistryState(runDir, state);
  try {
    await awaitRegistry(state, started + o.timeoutMs);
  } catch (e) {
    await stopProcess(pid, marker, 10_000);
    removeRegistry(runDir);
    throw e;
  }
  return { state, alreadyRunning: false, elapsedMs: Date.now() - started };
}

/** Ready means Confluent's API answers, with BACKWARD as the global compatibility (set it if the property did not take). */
async function awaitRegistry(s: RegistryState, deadline: number): Promise<void> {
  for (;;) {
    if (!registryRunning(s)) {
      throw new KtoolError('START_FAILED', `the Schema Registry exited before it was ready; the end of ${s.logFile}:\n${tail(readFileSync(s.logFile, 'utf8'), 12)}`);
    }
    try {
      const r = await fetch(`${s.url}/config`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) {
        const body = (await r.json()) as { compatibilityLevel?: string };
        if (body.compatibilityLevel === 'BACKWARD') return;
        const put = await fetch(`${s.url}/config`, { method: 'PUT', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ compatibility: 'BACKWARD' }), signal: AbortSignal.timeout(5_000) });
        if (put.ok) return;
      }
    } catch {
      // not serving yet
    }
    if (Date.now() > deadline) {
      throw new KtoolError('START_TIMEOUT', `the Schema Registry was not ready in time; the end of ${s.logFile}:\n${tail(readFileSync(s.logFile, 'utf8'), 8)}`, {
        exitCode: EXIT.unreachable,
        hint: 'allow more time with --timeout MS',
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops the run directory's registry (its storage is in memory: nothing to keep) and forgets it. */
export async function downRegistry(paths: StackPaths, timeoutMs: number): Promise<(RegistryState & { outcome: string }) | undefined> {
  const s = readRegistryState(paths.runDir);
  if (!s) return undefined;
  const outcome = await stopProcess(s.pid, s.marker, timeoutMs);
  removeRegistry(paths.runDir);
  return { ...s, outcome };
}

export function registryStatus(paths: StackPaths): { state: RegistryState; running: boolean } | undefined {
  const s = readRegistryState(paths.runDir);
  return s && { state: s, running: registryRunning(s) };
}
