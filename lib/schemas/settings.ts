// Which Schema Registry: --registry > KAFKA_SCHEMA_REGISTRY_URL > the profile's "schemaRegistry"; none means schema features are off.
import { Option, type Command } from 'commander';
import { DEFAULT_TIMEOUT_MS, ENV } from '../config/config.js';
import { profileSettings } from '../config/file.js';
import { parseRegistryUrl, type RegistryConnection } from './client.js';

export function registryOption(): Option {
  return new Option('--registry <url>', `Schema Registry URL, e.g. http://localhost:8081 (${ENV.schemaRegistry}, or the profile's "schemaRegistry")`);
}

export const addRegistryOption = (cmd: Command): Command => cmd.addOption(registryOption());

export interface RegistryFlags {
  registry?: string;
  profile?: string;
  timeout?: number;
}

/** The registry to use, or undefined when none is configured anywhere; its timeout is --timeout, else the profile's. */
export function registryFrom(o: RegistryFlags, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): RegistryConnection | undefined {
  const profileName = o.profile ?? (env[ENV.profile] || undefined);
  const profile = profileSettings(env, profileName);
  const raw = o.registry ?? (env[ENV.schemaRegistry] || undefined) ?? profile.schemaRegistry;
  if (raw === undefined) return undefined;
  const timeoutMs = o.timeout ?? profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return { ...parseRegistryUrl(raw), timeoutMs, ...(signal ? { signal } : {}) };
}
