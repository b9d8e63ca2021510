// kstack's Connect worker as one step of `up`: resolve its jars before anything starts, start it once the brokers serve.
import { EXIT, KtoolError } from '../../errors.js';
import type { ProcessState, StackState } from '../state.js';
import type { SecureMaterial } from '../secure.js';
import type { ConnectJars } from './plugins.js';
import { awaitWorker, CONNECT_GROUP, launchWorker, planWorker, workerProperties, type ConnectOptions, type ConnectState } from './worker.js';

export { ensureConnectJars, cachedConnectJars, parsePlugin } from './plugins.js';
export { defaultConnectPort, type ConnectOptions, type ConnectState } from './worker.js';

/** The lowest REST port we accept from the rule "8083 beside 9092": below it sit privileged ports. */
export function checkConnectPort(port: number): void {
  if (port < 1024 || port > 65_535) {
    throw new KtoolError('USAGE', `the Connect worker's REST port would be ${port}, outside 1024-65535`, {
      exitCode: EXIT.usage,
      hint: 'set it with --connect-port N (by default it sits 1009 below --port: 8083 beside 9092)',
    });
  }
}

export interface WorkerStart {
  options: ConnectOptions;
  jars: ConnectJars;
  security?: SecureMaterial;
  loggingFlags: string[];
  jvmFlags: string[];
  deadline: number;
  /** Called once the process exists, so the state file lists it even if it never gets ready. */
  onLaunched: (p: ProcessState) => void;
}

export async function startWorker(state: StackState, o: WorkerStart): Promise<ConnectState> {
  const plan = planWorker(state.runDir, state.host, o.options.port);
  // With --secure the worker uses the SASL_SSL listener, as a client of a secured cluster would.
  const bootstrap = o.security && state.secure ? state.secure.listeners.saslSsl : state.bootstrap;
  const props = workerProperties({ plan, bootstrap, brokers: state.brokers, jars: o.jars, ...(o.security ? { security: o.security } : {}) });
  const { pid, command } = launchWorker({ plan, props, jars: o.jars, loggingFlags: o.loggingFlags, jvmFlags: o.jvmFlags });
  const proc: ProcessState = { role: 'connect', id: 1, port: plan.port, pid, marker: plan.configFile, logFile: plan.logFile, command };
  o.onLaunched(proc);
  await awaitWorker(plan, proc, o.deadline);
  return { url: plan.url, port: plan.port, plugins: [...o.options.plugins], pluginPath: o.jars.pluginPath, groupId: CONNECT_GROUP };
}
