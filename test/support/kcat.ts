// kcat (librdkafka), an independent client: what we write it must read, and the reverse.
import { spawnSync } from 'node:child_process';

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat against the test broker; kcat is a test dependency (.ci/run installs it), so a missing one fails. */
export function kcat(args: string[], input?: string | Buffer): KcatResult {
  const r = spawnSync('kcat', ['-b', process.env.KAFKA_BROKERS as string, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`kcat could not run (${r.error.message}); install it: apt-get install kcat`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
