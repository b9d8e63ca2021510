// kstack up --secure: a throwaway CA, broker and client certificates (openssl, keytool), one SASL user, and a ready ktool profile file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXIT, KtoolError } from '../errors.js';

/** The SASL user kstack creates: PLAIN (listener JAAS) and SCRAM-SHA-256/512 (StorageTool --add-scram). */
export const SECURE_USER = 'ktool';
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export const SASL_MECHANISMS = ['PLAIN', ...SCRAM_MECHANISMS] as const;

/** Files in <runDir>/secure; the passwords are only in files readable by their owner (0600). */
export interface SecureMaterial {
  dir: string;
  caFile: string;
  clientCert: string;
  clientKey: string;
  keystore: string;
  truststore: string;
  /** Password of both PKCS12 stores, for server.properties. */
  storePassword: string;
  user: string;
  passwordFile: string;
  password: string;
}

export const secureDir = (runDir: string) => join(runDir, 'secure');

function paths(dir: string) {
  return {
    dir,
    caKey: join(dir, 'ca.key'),
    caFile: join(dir, 'ca.crt'),
    brokerKey: join(dir, 'broker.key'),
    brokerCsr: join(dir, 'broker.csr'),
    brokerCert: join(dir, 'broker.crt'),
    clientKey: join(dir, 'client.key'),
    clientCsr: join(dir, 'client.csr'),
    clientCert: join(dir, 'client.crt'),
    keystore: join(dir, 'broker-keystore.p12'),
    truststore: join(dir, 'truststore.p12'),
    storePasswordFile: join(dir, 'store-password'),
    passwordFile: join(dir, 'password'),
  };
}

const exec = promisify(execFile);

async function run(bin: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  try {
    await exec(bin, args, { env: { ...process.env, ...env }, timeout: 60_000 });
  } catch (e) {
    const x = e as NodeJS.ErrnoException & { stderr?: string };
    if (x.code === 'ENOENT') {
      throw new KtoolError('MISSING_PROGRAM', `kstack up --secure needs ${bin}, which is not installed`, {
        exitCode: EXIT.environment,
        hint: bin === 'keytool' ? 'keytool comes with Java: install a full JDK/JRE 17 and put its bin/ on PATH' : 'install OpenSSL (Debian: apt-get install openssl)',
      });
    }
    throw new KtoolError('COMMAND_FAILED', `${what} failed: ${String(x.stderr ?? x.message).trim().split('\n').slice(-3).join(' ')}`, { exitCode: EXIT.failed });
  }
}

const secret = () => randomBytes(18).toString('base64url');
const writeSecret = (file: string, value: string) => {
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
};

/** Makes the CA, the broker's PKCS12 keystore (SAN: host, localhost), a PKCS12 truststore, a client cert, and the user's password. */
export async function generateSecurity(runDir: string, host: string): Promise<SecureMaterial> {
  const p = paths(secureDir(runDir));
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const storePassword = secret();
  const password = secret();
  writeSecret(p.storePasswordFile, storePassword);
  writeSecret(p.passwordFile, password);
  // Store passwords reach openssl and keytool through the environment, never the command line (ps shows that).
  const env = { KSTACK_STORE_PASSWORD: storePassword };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', p.caKey, '-out', p.caFile, '-days', '30', '-subj', '/CN=kstack test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], env, 'creating the CA');
  const sign = async (key: string, csr: string, cert: string, cn: string, ext: string) => {
    await run('openssl', ['req', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], env, `creating the key of ${cn}`);
    const extFile = `${csr}.ext`;
    writeFileSync(extFile, ext);
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', p.caFile, '-CAkey', p.caKey, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '30', '-out', cert, '-extfile', extFile], env, `signing the certificate of ${cn}`);
  };
  await Promise.all([
    sign(p.brokerKey, p.brokerCsr, p.brokerCert, 'localhost', `subjectAltName=IP:${host},DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n`),
    sign(p.clientKey, p.clientCsr, p.clientCert, `${SECURE_USER}-client`, 'extendedKeyUsage=clientAuth\n'),
  ]);
  await run('openssl', ['pkcs12', '-export', '-in', p.brokerCert, '-inkey', p.brokerKey, '-certfile', p.caFile, '-name', 'broker', '-out', p.keystore, '-passout', 'env:KSTACK_STORE_PASSWORD'], env, 'writing the broker keystore');
  await run('keytool', ['-importcert', '-noprompt', '-alias', 'kstack-ca', '-file', p.caFile, '-keystore', p.truststore, '-storetype', 'PKCS12', '-storepass:env', 'KSTACK_STORE_PASSWORD'], env, 'writing the truststore');
  for (const f of [p.caKey, p.brokerKey, p.clientKey]) chmodSync(f, 0o600);
  return material(p, storePassword, password);
}

/** The material of a kept stack (`down --keep`), so a restart keeps its users and certificates; undefined if incomplete. */
export function loadSecurity(runDir: string): SecureMaterial | undefined {
  const p = paths(secureDir(runDir));
  const needed = [p.caFile, p.clientCert, p.clientKey, p.keystore, p.truststore, p.storePasswordFile, p.passwordFile];
  if (!needed.every((f) => existsSync(f))) return undefined;
  const read = (f: string) => readFileSync(f, 'utf8').replace(/\r?\n$/, '');
  return material(p, read(p.storePasswordFile), read(p.passwordFile));
}

function material(p: ReturnType<typeof paths>, storePassword: string, password: string): SecureMaterial {
  return { dir: p.dir, caFile: p.caFile, clientCert: p.clientCert, clientKey: p.clientKey, keystore: p.keystore, truststore: p.truststore, storePassword, user: SECURE_USER, passwordFile: p.passwordFile, password };
}

/** StorageTool arguments that create the SCRAM user in the metadata log at format time (KRaft). */
export function scramFormatArgs(m: SecureMaterial): string[] {
  return SCRAM_MECHANISMS.flatMap((mech) => ['--add-scram', `${mech}=[name=${m.user},password=${m.password}]`]);
}

/** Bootstrap lists of the secured listeners, as the state file and `status --json` show them. */
export interface SecureListeners {
  saslPlaintext: string;
  ssl: string;
  saslSsl: string;
}

/**
 * A ktool config file with one profile per listener, so `KTOOL_CONFIG=<file> kproduce --profile kstack-sasl-ssl ...` works.
 * It holds paths only: the password stays in its own file.
 */
export function writeProfiles(m: SecureMaterial, listeners: SecureListeners): string {
  const file = join(m.dir, 'ktool-config.json');
  const sasl = (mechanism: string) => ({ mechanism, username: m.user, passwordFile: m.passwordFile });
  const profiles = {
    'kstack-sasl': { brokers: listeners.saslPlaintext, sasl: sasl('scram-sha-256') },
    'kstack-ssl': { brokers: listeners.ssl, tls: { ca: m.caFile, cert: m.clientCert, key: m.clientKey } },
    'kstack-sasl-ssl': { brokers: listeners.saslSsl, sasl: sasl('scram-sha-512'), tls: { ca: m.caFile } },
  };
  writeFileSync(file, JSON.stringify({ profiles }, null, 2) + '\n');
  return file;
}
