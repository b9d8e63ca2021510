// The Dockerfile's image, run for real with podman (no Docker engine here): kproduce and kconsume against the tests'
// broker over the host network, kcat agreeing, uid 1000, production dependencies only, every codec, SIGTERM -> 143.
// .ci/run builds it (scripts/build-image.sh) and names it in KTOOL_IMAGE; without that this file skips, unless
// KTOOL_REQUIRE_IMAGE=1, which makes a missing image a failure (docs/docker.md "CI").
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { kcat } from '../support/kcat.js';
import { eventually, freshTopic, uniqueName } from '../support/kafka.js';

const image = process.env.KTOOL_IMAGE ?? '';
const required = process.env.KTOOL_REQUIRE_IMAGE === '1';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs podman with a deadline (a hang fails the test); a missing podman is an error, not a skip. */
function podman(args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', (e) => reject(new Error(`podman could not run (${e.message}); scripts/podman-setup.sh installs it`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(o.input);
  });
}

// Node 23+ warns when kafkajs's request queue (src/network/requestQueue/index.js, scheduleCheckPendingRequests) calls
// setTimeout with `throttledUntil - Date.now()` while throttledUntil is 0: a stray 3-line warning on stderr of every
// command on the image's Node 24 (the host's Node 20 is silent). Not ours to hide here: the fix belongs in lib/kafka/
// (STYLE.md 12). Until then the tests see stderr without exactly that warning, so any other output still fails them.
const NEGATIVE_TIMEOUT = /^\(node:\d+\) TimeoutNegativeWarning: -\d+ is a negative number\.\nTimeout duration was set to 1\.\n\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/m;
const withoutKnownWarning = (stderr: string) => stderr.replace(NEGATIVE_TIMEOUT, '');

/** `podman run --rm` of the image on the host network (the sandbox has no bridge), with the tests' broker. */
function inImage(command: string[], o: { input?: string; flags?: string[] } = {}): Promise<Result> {
  const env = ['-e', `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`, '-e', 'NO_COLOR=1'];
  return podman(['run', '--rm', ...(o.input !== undefined ? ['-i'] : []), '--network', 'host', ...env, ...(o.flags ?? []), image, ...command], o);
}

describe('the image', () => {
  it.runIf(required)('was built: KTOOL_REQUIRE_IMAGE=1 asks for it', async () => {
    expect(image, 'KTOOL_IMAGE names no image (.ci/run sets it after scripts/build-image.sh)').not.toBe('');
    const exists = await podman(['image', 'exists', image]);
    expect(exists.code, `podman has no image ${image}`).toBe(0);
  });
});

describe.runIf(image !== '').sequential(`the image ${image}`, () => {
  it('runs `kproduce --help` by default, as uid and gid 1000 (by number, so runAsNonRoot can check it)', async () => {
    const config = await podman(['image', 'inspect', '--format', '{{json .Config}}', image]);
    expect(config.code).toBe(0);
    const { User, Entrypoint, Cmd } = JSON.parse(config.stdout) as { User: string; Entrypoint: string[] | null; Cmd: string[] };
    expect(User).toBe('1000:1000');
    expect(Entrypoint ?? []).toEqual([]); // `ENTRYPOINT []`: podman records null, Docker []
    expect(Cmd).toEqual(['kproduce', '--help']);
    const help = await podman(['run', '--rm', image]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kproduce /);
    const id = await inImage(['sh', '-c', 'id -u; id -g; id -un']);
    expect(id.stdout).toBe('1000\n1000\nnode\n');
  });

  it('kproduce prints a delivery report; kconsume reads the record back; kcat reads the same', async () => {
    const topic = await freshTopic('image');
    const p = await inImage(['kproduce', topic, 'hello']);
    expect(withoutKnownWarning(p.stderr)).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`^✔ ${topic}\\[0\\]@0 \\d+ ms\\n$`));
    const c = await inImage(['kconsume', topic, '--group', uniqueName('g'), '--from-beginning', '-e']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(`${topic}[0]@0 hello\n`);
    const k = kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p@%o %s\n']);
    expect(k.code).toBe(0);
    expect(k.stdout).toBe('0@0 hello\n');
  });

  it('holds the production dependencies of package-lock.json and no dev dependency', async () => {
    const lock = JSON.parse(readFileSync(join(packageRoot(), 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    // Every package directory under /app/node_modules, nested and scoped ones too, as lockfile keys.
    const list = `const fs=require('fs'),p=require('path');const out=[];(function walk(d){for(const e of fs.readdirSync(d,{withFileTypes:true})){if(!e.isDirectory()||e.name==='.bin')continue;const f=p.join(d,e.name);if(e.name.startsWith('@')){walk(f);continue}out.push(p.relative('/app',f));const n=p.join(f,'node_modules');if(fs.existsSync(n))walk(n)}})('/app/node_modules');console.log(out.join('\\n'))`;
    const r = await inImage(['node', '-e', list]);
    expect(r.code).toBe(0);
    const installed = r.stdout.trim().split('\n');
    const unknown = installed.filter((k) => !lock.packages[k]);
    const dev = installed.filter((k) => lock.packages[k]?.dev);
    expect(unknown).toEqual([]);
    expect(dev).toEqual([]);
    // What a glibc x64 machine needs and nothing skipped: every non-dev, non-optional package of the lock is there.
    const needed = Object.entries(lock.packages).filter(([k, v]) => k.startsWith('node_modules/') && !v.dev && !v.optional).map(([k]) => k);
    expect(needed.filter((k) => !installed.includes(k))).toEqual([]);
    expect(installed).toContain('node_modules/@antoniomuso/lz4-napi-linux-x64-gnu');
    expect(installed).not.toContain('node_modules/typescript');
    expect(installed).not.toContain('node_modules/vitest');
  });

  it("loads lz4-napi's native glibc binary", async () => {
    const r = await inImage(['node', '-e', "const l=require('lz4-napi');const b=Buffer.from('lz4 in the image');console.log(require.resolve('@antoniomuso/lz4-napi-linux-x64-gnu'), l.uncompressSync(l.compressSync(b)).equals(b))"]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('/app/node_modules/@antoniomuso/lz4-napi-linux-x64-gnu/lz4-napi.linux-x64-gnu.node true\n');
  });

  it("loads @node-rs/crc32's native glibc binary, which gives the standard CRC-32C check value", async () => {
    const r = await inImage(['node', '-e', "const c=require('@node-rs/crc32');console.log(require.resolve('@node-rs/crc32-linux-x64-gnu'), (c.crc32c(Buffer.from('123456789'))>>>0).toString(16))"]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('/app/node_modules/@node-rs/crc32-linux-x64-gnu/crc32.linux-x64-gnu.node e3069283\n');
  });

  it.each(['lz4', 'zstd', 'snappy', 'gzip'])('%s: what the image compresses kcat reads, what kcat compresses the image reads', async (codec) => {
    const topic = await freshTopic(`image-${codec}`);
    const p = await inImage(['kproduce', topic, '-z', codec, '-k', 'from-image'], { input: 'one\ntwo\n' });
    expect(p.code).toBe(0);
    const sent = kcat(['-P', '-t', topic, '-z', codec, '-K', '='], 'from-kcat=three\n');
    expect(sent.code).toBe(0);
    const k = kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
    expect(k.stdout).toBe('from-image=one\nfrom-image=two\nfrom-kcat=three\n');
    const c = await inImage(['kconsume', topic, '--from-beginning', '-e', '--json']);
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string }).map((m) => `${m.key}=${m.value}`)).toEqual(['from-image=one', 'from-image=two', 'from-kcat=three']);
  });

  // Without --init node is PID 1 (a plain `docker run`); with it catatonit is, as under compose's `init: true`.
  it.each([[[]], [['--init']]])('`podman stop` of a running kconsume (flags %j) ends it with exit code 143', async (flags: string[]) => {
    const topic = await freshTopic('image-stop');
    const name = uniqueName('ktool-image-stop');
    const env = ['-e', `KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`, '-e', 'NO_COLOR=1'];
    const started = await podman(['run', '-d', '--name', name, '--network', 'host', ...env, ...flags, image, 'kconsume', topic, '--group', uniqueName('g')]);
    expect(started.code).toBe(0);
    try {
      await eventually(async () => ((await podman(['logs', name])).stderr.includes('assigned') ? true : undefined), 60_000, 'kconsume in the container to be assigned its partition');
      const stop = await podman(['stop', '--time', '20', name], { timeoutMs: 40_000 });
      expect(stop.code).toBe(0);
      const state = await podman(['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(state.stdout.trim()).toBe('143');
    } finally {
      await podman(['rm', '--force', name]);
    }
  });
});
