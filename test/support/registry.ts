// A private Schema Registry for one test file (Apicurio on Java 21+, free ports, its own run dir), always stopped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJava } from '../../lib/stack/java-finder.js';
import { stackPaths, type StackPaths } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { downRegistry, upRegistry, type RegistryUpResult } from '../../lib/stack/registry.js';
import { DEFAULT_HOST, REGISTRY } from '../../lib/stack/versions.js';

/** Registry tests run where a Java 21+ is found; CI sets KTOOL_REQUIRE_JAVA=1 so a missing one fails them instead. */
export const registryJava = findJava(REGISTRY.minJava);
export const runRegistryTests = registryJava !== undefined || process.env.KTOOL_REQUIRE_JAVA === '1';

export interface PrivateRegistry extends RegistryUpResult {
  url: string;
  paths: StackPaths;
  stop(): Promise<void>;
}

export async function privateRegistry(): Promise<PrivateRegistry> {
  const paths = stackPaths(process.env, { runDir: mkdtempSync(join(tmpdir(), 'kstack-registry-')) });
  const port = await findFreeBlock(2, DEFAULT_HOST);
  let result: RegistryUpResult;
  try {
    result = await upRegistry({ paths, host: DEFAULT_HOST, port, timeoutMs: 150_000 });
  } catch (e) {
    rmSync(paths.runDir, { recursive: true, force: true });
    throw e;
  }
  return {
    ...result,
    url: result.state.url,
    paths,
    async stop() {
      await downRegistry(paths, 20_000);
      rmSync(paths.runDir, { recursive: true, force: true });
    },
  };
}
