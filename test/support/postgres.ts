// A private PostgreSQL for one test file (Debian's postgresql package): its own data directory and port, wal_level=logical
// for Debezium, started with pg_ctl and stopped after. As root it runs as the postgres user (postgres refuses root).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The newest /usr/lib/postgresql/<version>/bin with pg_ctl, or one on PATH. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  return which.status === 0 ? join(which.stdout.trim(), '..') : undefined;
}

export const postgresAvailable = postgresBin() !== undefined;

export interface Postgres {
  port: number;
  host: string;
  user: string;
  database: string;
  /** Runs SQL through psql; returns its unaligned, tuples-only output. */
  sql(statements: string): string;
  stop(): void;
}

const asRoot = userInfo().uid === 0;

function runAs(bin: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeoutMs ?? 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function startPostgres(port: number): Postgres {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const data = join(dir, 'data');
  runAs(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // Logical decoding for Debezium's pgoutput plugin; the socket in our own directory, TCP on 127.0.0.1 only.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_wal_senders=4 -c max_replication_slots=4 -c fsync=off`;
  runAs(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start'], { timeoutMs: 90_000 });
  const psql = (statements: string) => runAs(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-f', '-'], { input: statements });
  return {
    port,
    host: '127.0.0.1',
    user: 'postgres',
    database: 'postgres',
    sql: psql,
    stop() {
      try {
        runAs(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], { timeoutMs: 90_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
