// SASL (PLAIN, SCRAM-SHA-256/512), TLS (CA, mTLS, --insecure) and SASL_SSL against a `kstack --secure` broker, through the built bins.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type BinName, type BinResult } from '../support/bins.js';
import { uniqueName } from '../support/kafka.js';
import { runLocalStackTests } from '../support/java.js';
import { privateStack, type PrivateStack } from '../support/stack.js';
import type { SecureState } from '../../lib/stack/state.js';

/** A wrong password that would be easy to spot if anything printed it. */
const WRONG = 'Wr0ng-Pa55-zq7Xv3-unmistakable';

// The tests share one broker and each uses its own topics and files, so they run concurrently (most of the time is waiting).
describe.runIf(runLocalStackTests)('security: a kstack --secure broker', () => {
  let stack: PrivateStack;
  let sec: SecureState;
  let password: string;
  let dir: string;
  let runs = 0;

  beforeAll(async () => {
    stack = await privateStack({ secure: true });
    sec = stack.state.secure!;
    password = readFileSync(sec.passwordFile, 'utf8').trim();
    dir = mkdtempSync(join(tmpdir(), 'ktool-sec-'));
    writeFileSync(join(dir, 'wrong.txt'), `${WRONG}\n`);
  });
  afterAll(async () => {
    await stack?.stop();
    // Every run asserted it printed no credential (below); this says the runs happened.
    expect(runs).toBeGreaterThan(30);
  });

  /**
   * Runs a bin with no connection settings from this machine's environment or config file: only what the test gives.
   * Credentials are never printed: every run, successful or failed, with --debug or not, is checked for both passwords.
   */
  async function bin(name: BinName, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<BinResult> {
    const clean = { KAFKA_BROKERS: '', KAFKA_PASSWORD: '', KAFKA_PASSWORD_FILE: '', KAFKA_SASL_MECHANISM: '', KAFKA_USERNAME: '', KAFKA_TLS: '', KAFKA_CA: '', KAFKA_CERT: '', KAFKA_CERT_KEY: '', KTOOL_PROFILE: '', KTOOL_CONFIG: '', XDG_CONFIG_HOME: dir };
    const r = await run(name, args, { env: { ...clean, ...env }, timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });
    runs++;
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(WRONG);
    }
    return r;
  }

  /** Produces one record with the given connection flags, then reads it back with the same ones. */
  async function roundTrip(conn: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<void> {
    const topic = uniqueName('sec');
    const p = await bin('kproduce', [...conn, topic, 'secret-hello'], env, stdin);
    expect(p.stderr).toBe('');
    expect(p.stdout).toMatch(new RegExp(`^✔ ${topic}\\[\\d\\]@0 \\d+ ms\\n$`));
    expect(p.code).toBe(0);
    const c = await bin('kconsume', [...conn, topic, '--from-beginning', '-e', '-F', '%s\\n'], env, stdin);
    expect(c.stdout).toBe('secret-hello\n');
    expect(c.code).toBe(0);
  }

  const saslPlain = () => ['-b', sec.listeners.saslPlaintext, '--username', sec.user, '--password-file', sec.passwordFile];

  it.concurrent.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])('SASL %s over SASL_PLAINTEXT, password from --password-file', async (mech) => {
    await roundTrip([...saslPlain(), '--sasl-mechanism', mech]);
  });

  it.concurrent('SASL from the environment alone: KAFKA_BROKERS, KAFKA_SASL_MECHANISM, KAFKA_USERNAME, KAFKA_PASSWORD', async () => {
    await roundTrip([], { KAFKA_BROKERS: sec.listeners.saslPlaintext, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_USERNAME: sec.user, KAFKA_PASSWORD: password });
  });

  it.concurrent('--password-stdin with messages as arguments; refused when kproduce reads messages from stdin', async () => {
    await roundTrip(['-b', sec.listeners.saslPlaintext, '--sasl-mechanism', 'SCRAM-SHA-512', '--username', sec.user, '--password-stdin'], {}, `${password}\n`);
    const r = await bin('kproduce', ['-b', sec.listeners.saslPlaintext, '--sasl-mechanism', 'PLAIN', '--username', sec.user, '--password-stdin', uniqueName('sec')], {}, `${password}\nmessage\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --password-stdin cannot be used while messages are read from stdin\nhint: .*--password-file/);
    expect(r.stdout).toBe('');
  });

  it.concurrent('TLS with --ca on the SSL listener', async () => {
    await roundTrip(['-b', sec.listeners.ssl, '--ca', sec.caFile]);
  });

  it.concurrent('mTLS: the client certificate is presented (a certificate from another CA is refused by the broker)', async () => {
    await roundTrip(['-b', sec.listeners.ssl, '--ca', sec.caFile, '--cert', sec.clientCert, '--cert-key', sec.clientKey]);
    // A self-signed client certificate made now: the broker, which requests client certificates, must reject it.
    const key = join(dir, 'rogue.key');
    const cert = join(dir, 'rogue.crt');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=rogue'], { encoding: 'utf8' });
    expect(made.status).toBe(0);
    const r = await bin('kproduce', ['-b', sec.listeners.ssl, '--ca', sec.caFile, '--cert', cert, '--cert-key', key, '--timeout', '5000', uniqueName('sec'), 'x']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
  });

  it.concurrent('--insecure connects to the SSL listener without a CA', async () => {
    await roundTrip(['-b', sec.listeners.ssl, '--insecure']);
  });

  it.concurrent('SASL over TLS through the profile file kstack wrote (KTOOL_CONFIG + --profile kstack-sasl-ssl)', async () => {
    expect(readFileSync(sec.configFile, 'utf8')).not.toContain(password);
    await roundTrip(['--profile', 'kstack-sasl-ssl'], { KTOOL_CONFIG: sec.configFile });
  });

  it.concurrent('a profile of the user\'s config file (XDG_CONFIG_HOME/ktool/config.json, KTOOL_PROFILE), flags over it', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'ktool'), { recursive: true });
    writeFileSync(
      join(dir, 'ktool', 'config.json'),
      JSON.stringify({ profiles: { dev: { brokers: sec.listeners.saslSsl, clientId: 'sec-test', sasl: { mechanism: 'scram-sha-256', username: sec.user, passwordFile: sec.passwordFile }, tls: { ca: sec.caFile } } } }),
    );
    await roundTrip([], { KTOOL_PROFILE: 'dev' });
    // A flag beats the profile: the command line's --password-file (missing) is the one read, not the profile's.
    const r = await bin('kproduce', ['--password-file', join(dir, 'missing.txt'), uniqueName('sec'), 'x'], { KTOOL_PROFILE: 'dev' });
    expect(r.code).toBe(2); // the flag's file, not the profile's, was read
    expect(r.stderr).toContain(`cannot read password file ${join(dir, 'missing.txt')}`);
  });

  it.concurrent.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])('a wrong password with %s fails fast: "authentication failed", exit 5, no retries until --timeout', async (mech) => {
    for (const name of mech === 'SCRAM-SHA-256' ? (['kproduce', 'kconsume'] as const) : (['kproduce'] as const)) {
      const args = name === 'kproduce' ? [uniqueName('sec'), 'x'] : [uniqueName('sec'), '-e'];
      // A 10-minute --timeout and a 30 s bound on the run: only an immediate, unretried failure passes.
      const r = await bin(name, ['-b', sec.listeners.saslPlaintext, '--sasl-mechanism', mech, '--username', sec.user, '--password-file', join(dir, 'wrong.txt'), '--timeout', '600000', ...args]);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(new RegExp(`^error: authentication failed for user "${sec.user}" \\(${mech}\\)\\nhint: check the user name and password`));
      expect(r.stdout).toBe('');
    }
  });

  it.concurrent('an unknown user fails the same way, also with --debug, and the password shows nowhere', async () => {
    const r = await bin('kproduce', ['-b', sec.listeners.saslSsl, '--ca', sec.caFile, '--sasl-mechanism', 'SCRAM-SHA-512', '--username', 'nobody', '--debug', '--timeout', '600000', uniqueName('sec'), 'x'], { KAFKA_PASSWORD: WRONG });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('error: authentication failed for user "nobody" (SCRAM-SHA-512)');
    expect(r.stderr).toContain('[kafkajs'); // --debug did print kafkajs logs and a stack
  });

  it.concurrent('no CA: a TLS trust error (exit 5) within --timeout', async () => {
    for (const conn of [['-b', sec.listeners.ssl, '--tls'], ['-b', sec.listeners.saslSsl, '--tls', '--sasl-mechanism', 'PLAIN', '--username', sec.user, '--password-file', sec.passwordFile]]) {
      const r = await bin('kproduce', [...conn, '--timeout', '20000', uniqueName('sec'), 'x']);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^error: the broker's TLS certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)\nhint: give the CA that signed it with --ca FILE/);
    }
  });

  it.concurrent('plaintext to a TLS port, and TLS to a plaintext port: exit 3 with a hint at the mismatch', async () => {
    const toTls = await bin('kproduce', ['-b', sec.listeners.ssl, '--timeout', '20000', uniqueName('sec'), 'x']);
    expect(toTls.code).toBe(3);
    expect(toTls.stderr).toMatch(/the broker closed the connection\nhint: is this a secured listener\? a TLS port needs --tls/);
    const toPlain = await bin('kproduce', ['-b', stack.state.bootstrap, '--insecure', '--timeout', '20000', uniqueName('sec'), 'x']);
    expect(toPlain.code).toBe(3);
    expect(toPlain.stderr).toMatch(/closed during the TLS handshake\nhint: is this a TLS \(SSL or SASL_SSL\) listener\?/);
  });

  it.concurrent('kcat (librdkafka) reads over SASL_SSL with SCRAM-SHA-256 what kproduce wrote: the broker setup is standard', async () => {
    const topic = uniqueName('sec-kcat');
    const p = await bin('kproduce', ['--profile', 'kstack-sasl-ssl', topic, 'from-kproduce'], { KTOOL_CONFIG: sec.configFile });
    expect(p.code).toBe(0);
    const props = join(dir, 'kcat.conf');
    writeFileSync(props, [`security.protocol=SASL_SSL`, `sasl.mechanisms=SCRAM-SHA-256`, `sasl.username=${sec.user}`, `sasl.password=${password}`, `ssl.ca.location=${sec.caFile}`, ''].join('\n'));
    const k = spawnSync('kcat', ['-F', props, '-b', sec.listeners.saslSsl, '-C', '-t', topic, '-e', '-q', '-f', '%s\n'], { encoding: 'utf8', timeout: 30_000 });
    expect(k.error).toBeUndefined();
    expect(k.stdout).toBe('from-kproduce\n');
    expect(k.status).toBe(0);
  });

  it.concurrent('kstack status --json says how to connect, with the password\'s file but not the password; that file is owner-only', async () => {
    const r = await bin('kstack', ['status', '--json'], { KSTACK_RUN_DIR: stack.paths.runDir });
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.secure).toEqual(sec);
    expect(st.secure.listeners.saslSsl).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(statSync(sec.passwordFile).mode & 0o777).toBe(0o600);
  });
});
