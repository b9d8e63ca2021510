// The config file (JSON, named profiles): where it lives, and one profile read into a Settings layer. Paths in it are relative to the file.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { ENV, parseSaslMechanism, type Settings } from './config.js';
import { parseBrokerList, parseTimeoutMs } from '../cli/options.js';
import { Secret } from './secret.js';

/** The profile used when none is named (`--profile`, KTOOL_PROFILE) and the file has one by this name. */
export const DEFAULT_PROFILE = 'default';

/** $KTOOL_CONFIG, else $XDG_CONFIG_HOME/ktool/config.json, else ~/.config/ktool/config.json. */
export function configPath(env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  if (env[ENV.config]) return { path: resolve(env[ENV.config]!), explicit: true };
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return { path: join(base, 'ktool', 'config.json'), explicit: false };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The profile's settings layer: the one named by `name` (flag or KTOOL_PROFILE), else the "default" profile if the file
 * has one, else nothing. A named profile that is missing, or a malformed file, is a usage error (exit 2).
 */
export function profileSettings(env: NodeJS.ProcessEnv, name: string | undefined, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): Settings {
  const { path, explicit } = configPath(env);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(`cannot read config file ${path}: ${(e as Error).message}`);
    if (name !== undefined || explicit) {
      throw usageError(`no config file at ${path}${name !== undefined ? ` (looking for profile "${name}")` : ''}`, `create it (see the README's Security section), or point ${ENV.config} at yours`);
    }
    return {};
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // V8's message may quote the text around the error, which can be a password: say where, never what.
    const where = /at position \d+( \(line \d+ column \d+\))?/.exec((e as Error).message)?.[0];
    throw usageError(`config file ${path} is not valid JSON${where ? ` (${where})` : ''}`, 'check it with `jq . FILE`');
  }
  const profiles = isObject(doc) && isObject(doc.profiles) ? doc.profiles : undefined;
  if (!profiles) throw usageError(`config file ${path} has no "profiles" object`, 'write {"profiles": {"dev": {"brokers": "host:9092", ...}}}');
  const chosen = name ?? (DEFAULT_PROFILE in profiles ? DEFAULT_PROFILE : undefined);
  if (chosen === undefined) return {};
  const profile = profiles[chosen];
  if (!isObject(profile)) {
    const names = Object.keys(profiles);
    throw usageError(`no profile "${chosen}" in ${path}`, names.length ? `profiles there: ${names.join(', ')}` : 'the file defines no profiles');
  }
  return parseProfile(profile, `${path}: profile "${chosen}"`, dirname(path));
}

/** Checks one profile object and turns it into a Settings layer; unknown keys are refused (a typo would silently do nothing). */
export function parseProfile(p: Json, where: string, baseDir: string): Settings {
  const bad = (what: string) => usageError(`${where}: ${what}`, 'see the config file format in the README\'s Security section');
  const known = (o: Json, keys: string[], at: string) => {
    const extra = Object.keys(o).find((k) => !keys.includes(k));
    if (extra !== undefined) throw bad(`unknown key "${at}${extra}" (known: ${keys.join(', ')})`);
  };
  const str = (v: unknown, key: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw bad(`"${key}" must be a non-empty string`);
    return v;
  };
  const path = (v: unknown, key: string) => {
    const s = str(v, key);
    return s === undefined ? undefined : isAbsolute(s) ? s : resolve(baseDir, s);
  };
  const parsed = <T>(key: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw bad(`"${key}": ${(e as Error).message}`);
    }
  };
  known(p, ['brokers', 'clientId', 'timeout', 'sasl', 'tls', 'schemaRegistry'], '');
  const out: Settings = {};
  if (p.brokers !== undefined) {
    const b = p.brokers;
    if (typeof b !== 'string' && !(Array.isArray(b) && b.every((x) => typeof x === 'string'))) throw bad('"brokers" must be "host:port,host:port" or a list of "host:port"');
    out.brokers = parsed('brokers', () => parseBrokerList(Array.isArray(b) ? b.join(',') : b));
  }
  const clientId = str(p.clientId, 'clientId');
  if (clientId !== undefined) out.clientId = clientId;
  const schemaRegistry = str(p.schemaRegistry, 'schemaRegistry');
  if (schemaRegistry !== undefined) out.schemaRegistry = schemaRegistry;
  if (p.timeout !== undefined) out.timeoutMs = parsed('timeout', () => parseTimeoutMs(String(p.timeout)));
  if (p.sasl !== undefined) {
    if (!isObject(p.sasl)) throw bad('"sasl" must be an object');
    const s = p.sasl;
    known(s, ['mechanism', 'username', 'password', 'passwordFile'], 'sasl.');
    const mechanism = str(s.mechanism, 'sasl.mechanism');
    if (mechanism !== undefined) out.saslMechanism = parsed('sasl.mechanism', () => parseSaslMechanism(mechanism));
    const username = str(s.username, 'sasl.username');
    if (username !== undefined) out.username = username;
    if (s.password !== undefined && s.passwordFile !== undefined) throw bad('give "sasl.password" or "sasl.passwordFile", not both');
    const password = str(s.password, 'sasl.password');
    const passwordFile = path(s.passwordFile, 'sasl.passwordFile');
    if (password !== undefined) out.password = { from: 'value', value: new Secret(password) };
    if (passwordFile !== undefined) out.password = { from: 'file', path: passwordFile };
  }
  if (p.tls !== undefined) {
    if (typeof p.tls === 'boolean') out.tls = p.tls;
    else if (isObject(p.tls)) {
      const t = p.tls;
      known(t, ['ca', 'cert', 'key', 'insecure'], 'tls.');
      out.tls = true;
      const ca = path(t.ca, 'tls.ca');
      const cert = path(t.cert, 'tls.cert');
      const key = path(t.key, 'tls.key');
      if (ca !== undefined) out.ca = ca;
      if (cert !== undefined) out.cert = cert;
      if (key !== undefined) out.key = key;
      if (t.insecure !== undefined) {
        if (typeof t.insecure !== 'boolean') throw bad('"tls.insecure" must be true or false');
        out.insecure = t.insecure;
      }
    } else throw bad('"tls" must be true, false or an object');
  }
  return out;
}
