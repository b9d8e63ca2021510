// docker-compose.yml through a real Compose implementation: Debian's docker-compose (1.29) checks the file against
// the Compose schema and interpolates it without a Docker engine, which our machines do not have.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../lib/stack/paths.js';
import { COMPOSE } from '../../lib/stack/versions.js';

const file = join(packageRoot(), COMPOSE.file);
const scratch = mkdtempSync(join(tmpdir(), 'compose-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs docker-compose on a file; a test dependency (.ci/run installs it), so a missing one fails the test. */
function compose(args: string[], composeFile = file): Result {
  // Without the caller's COMPOSE_* variables: COMPOSE_PROFILES or COMPOSE_FILE would change what is read.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_')));
  const r = spawnSync('docker-compose', ['--file', composeFile, ...args], { cwd: dirname(composeFile), env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`docker-compose could not run (${r.error.message}); install it: apt-get install docker-compose`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ALL = ['app', 'connect', 'control-center', 'init-topics', 'kafdrop', 'kafka', 'kafka-kraft', 'schema-registry', 'zookeeper'];

describe(`docker-compose config on ${COMPOSE.file}`, () => {
  it.each([[[]], [['--profile', 'kraft']], [['--profile', 'ui']], [['--profile', 'kraft', '--profile', 'ui', '--profile', 'app']]])(
    'validates with profiles %j, with no warning',
    (profiles) => {
      const r = compose([...profiles, 'config', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it('normalizes to the services, images, profiles and start conditions of the file', () => {
    const r = compose(['config']);
    expect(r.code).toBe(0);
    const normalized = parse(r.stdout) as { services: Record<string, { image?: string; build?: { context: string }; profiles?: string[]; depends_on?: Record<string, { condition: string }> }> };
    const source = parse(compose(['config', '--no-interpolate']).stdout) as typeof normalized;
    expect(Object.keys(normalized.services).sort()).toEqual(ALL);
    for (const name of ALL) {
      const s = normalized.services[name];
      expect(s?.image).toBe(source.services[name]?.image);
      expect(s?.depends_on).toEqual(source.services[name]?.depends_on);
    }
    expect(normalized.services.app?.build?.context).toBe(packageRoot());
    expect(normalized.services.app?.profiles).toEqual(['app']);
    expect(normalized.services['kafka-kraft']?.profiles).toEqual(['kraft']);
    expect(normalized.services.kafdrop?.profiles).toEqual(['ui']);
    expect(normalized.services.kafka?.image).toBe(`confluentinc/cp-kafka:${COMPOSE.confluentTag}`);
  });

  it('lists every service', () => {
    const r = compose(['config', '--services']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(ALL);
  });

  it('is a real check: it rejects what Compose would reject', () => {
    const bad = join(scratch, 'docker-compose.yml');
    writeFileSync(bad, 'services:\n  a:\n    image: busybox:1.36.1\n    depends_on:\n      b:\n        condition: service_ready\n  b:\n    image: busybox:1.36.1\n    helthcheck:\n      test: ["CMD", "true"]\n');
    const r = compose(['config', '--quiet'], bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/service_ready/);
    expect(r.stderr).toMatch(/helthcheck/);
  });
});
