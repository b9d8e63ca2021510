// Docs are run: every ```sh block of README.md, README.pt-BR.md and docs/*.md runs as a reader would type it, in one
// shell per file, against a private kstack (its own home and port), with `npx` running this checkout's built bins.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { findFreeBlock } from '../../lib/stack/ports.js';
import { portSpan } from '../../lib/stack/plan.js';
import { defaultConnectPort } from '../../lib/stack/connect/worker.js';
import { DEFAULT_HOST } from '../../lib/stack/versions.js';
import { docBlocks, type DocCommand } from '../support/doc-blocks.js';
import { runLocalStackTests } from '../support/java.js';

const root = packageRoot();
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].filter((f) =>
  existsSync(join(root, f)),
);
const bins = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);
const FILE_DEADLINE_MS = 600_000;
const FOLLOW_DEADLINE_S = 60;

interface Outcome {
  code?: number;
  output: string;
}

/** The bash script that runs a file's commands in order, each one's output and exit code to files in `dir`. */
function script(commands: DocCommand[], dir: string): string {
  const parts = ['set -m', 'cd "$DOC_CWD"'];
  commands.forEach((c, i) => {
    const out = `"${dir}/out.${i}"`;
    if (!c.follow) {
      parts.push(`{ ${c.command}\n} >${out} 2>&1 </dev/null; echo $? >"${dir}/rc.${i}"`);
      return;
    }
    writeFileSync(join(dir, `re.${i}`), (c.expect ?? /./).source.replace(/^\^|\$$/g, ''));
    // Wait (polling, bounded) until it printed what the doc shows, then Ctrl-C its process group, as a reader would.
    parts.push(
      `{ ${c.command}\n} >${out} 2>&1 </dev/null & p=$!`,
      `for _ in $(seq ${FOLLOW_DEADLINE_S * 10}); do grep -qE -f "${dir}/re.${i}" ${out} && break; sleep 0.1; done`,
      `kill -INT -- -$p 2>/dev/null; wait $p; echo $? >"${dir}/rc.${i}"`,
    );
  });
  return parts.join('\n') + '\n';
}

function runBash(file: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('bash', [file], { env, stdio: 'ignore', detached: true });
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), FILE_DEADLINE_MS);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// README.pt-BR.md is the README's newcomer part in Portuguese: its blocks must be the README's, command for command
// (their comments may be translated, what they show may not), so running the README runs it too.
describe('README.pt-BR.md keeps in step with README.md', () => {
  const shape = (file: string) =>
    docBlocks(file, readFileSync(join(root, file), 'utf8')).flatMap((b) => b.commands.map((c) => ({ skip: b.skip !== undefined, command: c.command, expect: c.expect?.source, exit: c.exit, follow: c.follow })));

  it('has the same commands, in the same order, showing the same output', () => {
    const en = shape('README.md');
    expect(en.length).toBeGreaterThan(20);
    expect(shape('README.pt-BR.md')).toEqual(en);
  });
});

describe.runIf(runLocalStackTests)('the docs run as written', () => {
  for (const file of files) {
    const blocks = docBlocks(file, readFileSync(join(root, file), 'utf8'));
    const commands = blocks.filter((b) => !b.skip).flatMap((b) => b.commands);
    if (commands.length === 0) continue;

    describe(file, () => {
      const outcomes: Outcome[] = [];
      let home = '';
      let env: NodeJS.ProcessEnv = {};

      beforeAll(async () => {
        home = mkdtempSync(join(tmpdir(), 'kdocs-'));
        const binDir = join(home, 'bin');
        const cwd = join(home, 'work');
        mkdirSync(binDir);
        mkdirSync(cwd);
        // `npx kproduce` in the docs runs this checkout's bins, as it does in a clone after `npm install`.
        writeFileSync(join(binDir, 'npx'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
        for (const b of bins) symlinkSync(join(root, 'dist', 'cmd', `${b}.js`), join(binDir, b));
        const port = await findFreeBlock(portSpan(3, 'kraft') + 4, DEFAULT_HOST);
        env = {
          ...process.env,
          PATH: `${binDir}:${process.env.PATH}`,
          DOC_CWD: cwd,
          KSTACK_HOME: join(cwd, '.kstack'),
          KSTACK_CACHE_DIR: join(root, '.kstack', 'cache'),
          KSTACK_PORT: String(port),
          // `kstack up --registry` (docs/schemas.md): the last two ports of the block, past three brokers and their controllers.
          KSTACK_REGISTRY_PORT: String(port + portSpan(3, 'kraft') + 2),
          KAFKA_BROKERS: `${DEFAULT_HOST}:${port}`,
          // Where `kstack up --connect` puts the worker beside that port (docs/connect.md).
          KAFKA_CONNECT_URL: `http://${DEFAULT_HOST}:${defaultConnectPort(port)}`,
          NO_COLOR: '1',
        };
        delete env.KSTACK_RUN_DIR;
        const dir = join(home, 'results');
        mkdirSync(dir);
        // The file's own `kstack up` starts its broker; one that never does gets one first, and every file's is stopped after.
        const startsOwn = /kstack up/.test(commands[0]!.command);
        const all: DocCommand[] = [...(startsOwn ? [] : [prelude(file)]), ...commands];
        writeFileSync(join(home, 'run.sh'), script(all, dir));
        await runBash(join(home, 'run.sh'), env);
        const offset = startsOwn ? 0 : 1;
        for (let i = offset; i < all.length; i++) {
          const rc = join(dir, `rc.${i}`);
          const out = join(dir, `out.${i}`);
          outcomes.push({ code: existsSync(rc) ? Number(readFileSync(rc, 'utf8')) : undefined, output: existsSync(out) ? readFileSync(out, 'utf8') : '' });
        }
      }, FILE_DEADLINE_MS + 60_000);

      afterAll(async () => {
        await runBash(writeDown(home), env);
        rmSync(home, { recursive: true, force: true });
      }, 60_000);

      commands.forEach((c, i) => {
        it(`${file}:${c.line} ${c.command.split('\n')[0]}`, () => {
          const o = outcomes[i]!;
          const where = `${c.file}:${c.line}\n$ ${c.command}\n${o.output}`;
          expect(o.code, `did not finish\n${where}`).toBeDefined();
          expect(o.code, where).toBe(c.exit);
          if (c.expect) expect(o.output, where).toMatch(c.expect);
        });
      });
    });
  }
});

function prelude(file: string): DocCommand {
  return { file, line: 0, command: 'kstack up >/dev/null', exit: 0, follow: false };
}

function writeDown(home: string): string {
  const f = join(home, 'down.sh');
  writeFileSync(f, 'cd "$DOC_CWD" && kstack down --local --timeout 15000 >/dev/null 2>&1\n');
  return f;
}
