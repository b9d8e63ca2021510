// Reads what resolved settings point at: the password (a file, stdin or a value) and the PEM files. Errors never quote a secret.
import { readFileSync } from 'node:fs';
import { usageError } from '../errors.js';
import type { PasswordSource } from './config.js';
import { Secret } from './secret.js';

export interface StdinInfo {
  /** The command reads its data from stdin (kproduce without arguments or -f), so stdin cannot also carry the password. */
  stdinIsData?: boolean;
  isTTY?: boolean;
  /** Reads all of stdin; fd 0 by default. */
  read?: () => string;
}

/** One trailing newline is not part of a password (`echo pw > file`, `echo pw | ... --password-stdin`). */
const chomp = (s: string) => s.replace(/\r?\n$/, '');

export function readPassword(source: PasswordSource, stdin: StdinInfo = {}): Secret {
  if (source.from === 'value') return source.value;
  let text: string;
  let where: string;
  if (source.from === 'file') {
    where = `password file ${source.path}`;
    text = readText(source.path, 'password file', '--password-file / KAFKA_PASSWORD_FILE / sasl.passwordFile');
  } else {
    where = 'stdin';
    if (stdin.stdinIsData) {
      throw usageError('--password-stdin cannot be used while messages are read from stdin', 'pass the messages as arguments or with -f FILE, or give the password with --password-file FILE or KAFKA_PASSWORD');
    }
    if (stdin.isTTY ?? process.stdin.isTTY) throw usageError('--password-stdin: stdin is a terminal', 'pipe the password in: `cat pw.txt | kconsume ... --password-stdin`, or use --password-file FILE');
    text = (stdin.read ?? (() => readFileSync(0, 'utf8')))();
  }
  const password = chomp(text);
  if (password === '') throw usageError(`the password from ${where} is empty`);
  return new Secret(password);
}

/** A PEM file (CA, certificate or key), read before connecting so a wrong path is a usage error, not a TLS failure. */
export function readPem(path: string, what: string, flag: string): Buffer {
  const text = readText(path, what, flag);
  if (!text.includes('-----BEGIN ')) throw usageError(`${what} ${path} is not a PEM file`, `${flag} takes a PEM file (-----BEGIN ...-----)`);
  return Buffer.from(text);
}

function readText(path: string, what: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw usageError(`cannot read ${what} ${path}: ${why}`, `check the path given to ${flag}`);
  }
}
