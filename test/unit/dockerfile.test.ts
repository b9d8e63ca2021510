// The Dockerfile and .dockerignore: multi-stage, pinned Node LTS, `npm ci` from the lockfile, production deps only,
// non-root, the package's bins on PATH, and a build context that holds what the COPY lines need and nothing heavy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';

const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string>; engines: { node: string } };

/** Node major lines with long-term support that has not ended (20 ended in April 2026). */
const SUPPORTED_LTS = [22, 24];

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions: continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(pending) as RegExpExecArray;
    out.push({ keyword: (m[1] as string).toUpperCase(), args: m[2] as string });
    pending = '';
  }
  return out;
}

interface Stage {
  image: string;
  name?: string;
  body: Instruction[];
}

function stages(list: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const i of list) {
    if (i.keyword === 'FROM') {
      const [image, as, name] = i.args.split(/\s+/);
      out.push({ image: image as string, ...(as?.toUpperCase() === 'AS' ? { name } : {}), body: [] });
    } else {
      const current = out.at(-1);
      if (!current) throw new Error(`${i.keyword} before the first FROM`);
      current.body.push(i);
    }
  }
  return out;
}

const all = instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stageList = stages(all);
const final = stageList.at(-1) as Stage;
const runs = (s: Stage) => s.body.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const last = (s: Stage, keyword: string) => s.body.filter((i) => i.keyword === keyword).at(-1)?.args;
const indexOf = (s: Stage, pred: (i: Instruction) => boolean) => s.body.findIndex(pred);

/** .dockerignore as Docker reads it: the last pattern that matches a path decides, `!` re-includes. */
function ignored(path: string): boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let out = false;
  for (const p of patterns) {
    const negate = p.startsWith('!');
    const glob = (negate ? p.slice(1) : p).replace(/^\/+|\/+$/g, '');
    const re = new RegExp('^' + glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '(/.*)?$');
    if (re.test(path)) out = !negate;
  }
  return out;
}

describe('Dockerfile', () => {
  it('has a build stage and a final stage that copies only the build output from it', () => {
    expect(stageList.length).toBeGreaterThanOrEqual(2);
    const build = stageList.find((s) => s.name === 'build');
    expect(build).toBeDefined();
    expect(runs(build as Stage)).toContain('npm run build');
    expect(final.body.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=')).map((i) => i.args)).toEqual(['--from=build /app/dist ./dist']);
  });

  it.each(stageList.map((s) => [s.name ?? '(unnamed)', s.image]))('stage %s starts from an official Node LTS image pinned to a release: %s', (_, image) => {
    const m = /^node:(\d+)\.(\d+)\.(\d+)-[a-z0-9.-]*(slim|alpine)[a-z0-9.-]*$/.exec(image);
    expect(m, `${image} is not node:<major.minor.patch>-<slim|alpine variant>`).not.toBeNull();
    expect(SUPPORTED_LTS).toContain(Number(m?.[1]));
  });

  it('uses one Node image for every stage, new enough for package.json engines', () => {
    expect(new Set(stageList.map((s) => s.image)).size).toBe(1);
    const [major, minor] = (/^node:(\d+)\.(\d+)/.exec(final.image) as RegExpExecArray).slice(1).map(Number) as [number, number];
    const [needMajor, needMinor] = (/>=\s*(\d+)\.(\d+)/.exec(pkg.engines.node) as RegExpExecArray).slice(1).map(Number) as [number, number];
    expect(major > needMajor || (major === needMajor && minor >= needMinor)).toBe(true);
  });

  it.each(stageList.map((s) => [s.name ?? '(unnamed)', s]))('stage %s installs with `npm ci` from package-lock.json, never `npm install`', (_, stage) => {
    const s = stage as Stage;
    const ci = indexOf(s, (i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    const lock = indexOf(s, (i) => i.keyword === 'COPY' && /\bpackage-lock\.json\b/.test(i.args));
    expect(ci).toBeGreaterThan(-1);
    expect(lock).toBeGreaterThan(-1);
    expect(lock).toBeLessThan(ci);
    expect(runs(s).join('\n')).not.toMatch(/\bnpm (install|i)\b/);
  });

  it('installs production dependencies only in the final stage, without the `prepare` build (TypeScript is a dev dependency)', () => {
    expect(pkg.scripts.prepare).toBeDefined();
    const install = runs(final).find((r) => /\bnpm ci\b/.test(r)) as string;
    expect(install).toMatch(/--omit=dev\b/);
    expect(install).toMatch(/--ignore-scripts\b/);
    expect(runs(final).join('\n')).not.toMatch(/\bnpm run build\b/);
  });

  it('runs as a user that is not root', () => {
    const user = last(final, 'USER');
    expect(user).toBeDefined();
    const name = (user as string).split(':')[0] as string;
    expect(['root', '0']).not.toContain(name);
    // Nothing after USER needs root.
    expect(final.body.slice(indexOf(final, (i) => i.keyword === 'USER')).some((i) => i.keyword === 'RUN' || i.keyword === 'COPY')).toBe(false);
  });

  it.each(Object.entries(pkg.bin))('puts bin %s (%s) on PATH, executable', (name, path) => {
    expect(last(final, 'WORKDIR')).toBe('/app');
    const script = runs(final).join(' && ');
    expect(script).toContain(`ln -s /app/${path} /usr/local/bin/${name}`);
    expect(script).toMatch(new RegExp(`chmod [0-7]*7[0-7]*5 [^&]*\\b${path.replace(/\./g, '\\.')}\\b`));
  });

  it('runs the command it is given, itself a bin: `docker compose run --rm app kproduce teste hello`', () => {
    expect(last(final, 'ENTRYPOINT')).toBe('[]');
    const cmd = JSON.parse(last(final, 'CMD') as string) as string[];
    expect(Object.keys(pkg.bin)).toContain(cmd[0]);
  });

  it.each([...new Set(all.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from=')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)))])(
    'COPY source %s exists and is in the build context',
    (source) => {
      expect(existsSync(join(root, source))).toBe(true);
      expect(ignored(source.replace(/^\.\//, ''))).toBe(false);
    },
  );
});

describe('.dockerignore', () => {
  it.each(['node_modules', '.git', 'dist', '.kstack', 'coverage', 'test', 'node_modules/kafkajs/package.json', '.kstack/cache/x.jar', 'broker.log'])(
    'keeps %s out of the build context',
    (path) => {
      expect(ignored(path)).toBe(true);
    },
  );
});
