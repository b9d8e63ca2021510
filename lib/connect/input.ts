// A connector's config from kconnect's flags: --class, --config k=v (repeatable), or -f FILE (Connect's own JSON shapes).
import { readFileSync } from 'node:fs';
import { usageError } from '../errors.js';

export interface ConfigInput {
  class?: string;
  entries: Array<[string, string]>;
  file?: string;
}

/**
 * -f takes what the REST API takes: `{"name": ..., "config": {...}}` (POST /connectors) or the flat config map
 * (PUT /connectors/NAME/config). --class and --config are laid over it. Values must be strings, as Connect keeps them.
 */
export function buildConfig(name: string, o: ConfigInput): Record<string, string> {
  let base: Record<string, unknown> = {};
  if (o.file) {
    let text: string;
    try {
      text = o.file === '-' ? readFileSync(0, 'utf8') : readFileSync(o.file, 'utf8');
    } catch (e) {
      throw usageError(`cannot read ${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'check the path given to -f');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw usageError(`${o.file} is not JSON: ${(e as Error).message}`, '-f takes {"name": ..., "config": {...}} or a flat {"connector.class": ...} object');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError(`${o.file} holds no JSON object`, '-f takes {"name": ..., "config": {...}} or a flat config object');
    const obj = parsed as Record<string, unknown>;
    if (obj.config && typeof obj.config === 'object') {
      if (typeof obj.name === 'string' && obj.name !== name) throw usageError(`${o.file} names the connector "${obj.name}", not "${name}"`, 'give the same name on the command line, or drop "name" from the file');
      base = obj.config as Record<string, unknown>;
    } else base = obj;
  }
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === null || typeof v === 'object') throw usageError(`config "${k}" in ${o.file} is not a string, number or boolean`, 'Connect configs are flat: "key": "value"');
    config[k] = String(v);
  }
  if (o.class) config['connector.class'] = o.class;
  for (const [k, v] of o.entries) config[k] = v;
  if (config.name !== undefined && config.name !== name) throw usageError(`config "name" is "${config.name}", not "${name}"`, 'drop it: the connector is named by the argument');
  delete config.name;
  if (!config['connector.class']) throw usageError('no connector class', 'give one with --class (e.g. FileStreamSource) or "connector.class" in the -f file; `kconnect plugins` lists them');
  return config;
}
