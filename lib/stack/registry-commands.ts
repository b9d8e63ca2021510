// kstack's registry lines: `up --registry` starts it after the brokers, `down` stops it first, `status` shows it.
import { err, out, type Io } from '../io.js';
import { paint, progress } from '../cli/style.js';
import type { StackPaths } from './paths.js';
import { cachedRegistryApp, downRegistry, ensureRegistryApp, registryStatus, upRegistry, type RegistryState } from './registry.js';
import { REGISTRY } from './versions.js';

/** The line scripts read, printed just before KAFKA_BROKERS=...: `eval "$(kstack up --registry)"` sets both. */
export const registryLine = (url: string) => `KAFKA_SCHEMA_REGISTRY_URL=${url}`;

export const registrySummary = (s: RegistryState, running?: boolean) => ({
  url: s.url,
  version: s.version,
  port: s.port,
  managementPort: s.managementPort,
  pid: s.pid,
  ...(running === undefined ? {} : { running }),
  logFile: s.logFile,
});

export async function upRegistryCommand(io: Io, o: { host: string; port: number; timeoutMs: number }, paths: StackPaths): Promise<RegistryState> {
  const spinner = progress(io, `starting ${REGISTRY.name}`);
  try {
    const r = await upRegistry({ paths, host: o.host, port: o.port, timeoutMs: o.timeoutMs, onProgress: (t) => spinner.update(t) });
    if (r.alreadyRunning) {
      spinner.stop();
      err(io, `kstack: Schema Registry already running at ${r.state.url}`);
    } else {
      spinner.succeed(`kstack: started the Schema Registry (${REGISTRY.name} ${r.state.version}, Confluent's API) at ${r.state.url} in ${(r.elapsedMs / 1000).toFixed(1)} s`);
    }
    return r.state;
  } catch (e) {
    spinner.fail('kstack: could not start the Schema Registry');
    throw e;
  }
}

/** Stops the registry, if the run directory records one; its line for `down`'s report, or undefined. */
export async function downRegistryCommand(io: Io, paths: StackPaths, timeoutMs: number, json: boolean) {
  const r = await downRegistry(paths, timeoutMs);
  if (r && !json) err(io, `kstack: registry (pid ${r.pid}): ${r.outcome}`);
  return r && { role: 'registry', id: 1, pid: r.pid, outcome: r.outcome };
}

export function registryStatusJson(paths: StackPaths) {
  const st = registryStatus(paths);
  return st ? { registry: registrySummary(st.state, st.running) } : {};
}

export function printRegistryStatus(io: Io, paths: StackPaths): void {
  const st = registryStatus(paths);
  if (!st) return;
  const c = paint(io, 'stdout');
  out(io, `registry     port ${`${st.state.port} (management ${st.state.managementPort})`.padEnd(22)} pid ${String(st.state.pid).padEnd(8)} ${st.running ? c.green('up') : c.red('down')}  ${st.state.url}  log ${st.state.logFile}`);
}

/** `kstack fetch --registry`: resolve and unpack the app ahead of time (CI, or before going offline). */
export async function fetchRegistry(io: Io, paths: StackPaths): Promise<void> {
  const cached = cachedRegistryApp(paths.cacheDir);
  const spinner = progress(io, `resolving ${REGISTRY.name} ${REGISTRY.version} from Maven Central`);
  const dir = cached ?? (await ensureRegistryApp(paths.cacheDir));
  spinner.succeed(`kstack: ${REGISTRY.name} ${REGISTRY.version} ${cached ? 'already cached' : 'resolved'}`);
  out(io, `registry-${REGISTRY.version}\t${dir}`);
}
