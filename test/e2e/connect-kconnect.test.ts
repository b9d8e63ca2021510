// kconnect against a real Connect worker: the FileStream walkthrough end to end, every subcommand and its JSON shape,
// a failing connector and its restart, pause/resume on the topic, and the errors users hit.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';
import { connectStack, statusUntil, type ConnectStack } from '../support/connect.js';
import { runLocalStackTests } from '../support/java.js';
import { eventually } from '../support/kafka.js';

const STRING = 'value.converter=org.apache.kafka.connect.storage.StringConverter';
let stack: ConnectStack;
const dir = mkdtempSync(join(tmpdir(), 'kconnect-e2e-'));

beforeAll(async () => {
  if (runLocalStackTests) stack = await connectStack();
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (s: string) => s.trim().split('\n').filter(Boolean);
const kconsume = (topic: string) => run('kconsume', [topic, '-b', stack.bootstrap, '--from-beginning', '-e', '--raw']);

describe.runIf(runLocalStackTests).sequential('kconnect', () => {
  const source = join(dir, 'in.txt');
  const sink = join(dir, 'out.txt');
  // Lines of every kind a file carries: empty, unicode, long, spaces at the end.
  const text = ['hello', '', 'ünïcödé ✓ 日本', 'x'.repeat(5000), 'trailing spaces  ', 'last'].join('\n') + '\n';

  it('plugins lists the FileStream connectors, as a table and as JSON', async () => {
    const human = await stack.kconnect(['plugins']);
    expect(human.code).toBe(0);
    expect(lines(human.stdout)[0]).toMatch(/^CLASS\s+TYPE\s+VERSION$/);
    const json = await stack.kconnect(['plugins', '--json']);
    expect(lines(json.stdout).map((l) => JSON.parse(l))).toEqual([
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '3.9.2' },
      { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '3.9.2' },
    ]);
    const all = await stack.kconnect(['plugins', '--all', '--json']);
    expect(lines(all.stdout).map((l) => JSON.parse(l).type)).toContain('transformation');
  });

  it('list on an empty worker prints nothing on stdout and says so on stderr', async () => {
    const r = await stack.kconnect(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no connectors/);
  });

  it('walkthrough: a FileStreamSource reads a file into a topic, kconsume shows the lines, a FileStreamSink writes them out byte for byte', async () => {
    writeFileSync(source, text);
    // One partition: the sink writes lines in the order it reads them, and only a partition keeps an order.
    expect((await run('ktopics', ['create', 'lines', '-P', '1', '-b', stack.bootstrap])).code).toBe(0);
    const src = await stack.kconnect(['create', 'file-source', '--class', 'FileStreamSource', '--config', `file=${source}`, '--config', 'topic=lines', '--config', STRING, '--wait', 'running', '--json']);
    expect(src.stderr).toBe('');
    expect(src.code).toBe(0);
    expect(JSON.parse(src.stdout)).toMatchObject({ name: 'file-source', action: 'created', type: 'source', state: 'RUNNING', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: source, topic: 'lines' } });

    const want = text.split('\n').slice(0, -1);
    const seen = await eventually(async () => {
      const r = await kconsume('lines');
      const got = r.stdout.split('\n').slice(0, -1);
      return got.length >= want.length ? got : undefined;
    }, 60_000, 'the lines in the topic');
    expect(seen).toEqual(want);

    const snk = await stack.kconnect(['create', 'file-sink', '--class', 'org.apache.kafka.connect.file.FileStreamSinkConnector', '--config', `file=${sink}`, '--config', 'topics=lines', '--config', STRING, '--wait', 'running']);
    expect(snk.code).toBe(0);
    expect(snk.stderr).toMatch(/created file-sink .*, running/);
    await eventually(() => (existsSync(sink) && readFileSync(sink).length >= Buffer.byteLength(text) ? true : undefined), 60_000, 'the sink file');
    expect(readFileSync(sink).equals(readFileSync(source))).toBe(true);
  });

  it('list, status, topics and config show both connectors; JSON shapes as documented', async () => {
    const list = await stack.kconnect(['list', '--json']);
    expect(lines(list.stdout).map((l) => JSON.parse(l))).toEqual([
      { name: 'file-sink', type: 'sink', class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', state: 'RUNNING', tasks: { running: 1, total: 1 }, topics: ['lines'] },
      { name: 'file-source', type: 'source', class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', state: 'RUNNING', tasks: { running: 1, total: 1 }, topics: ['lines'] },
    ]);
    const human = await stack.kconnect(['list']);
    expect(lines(human.stdout)).toEqual([
      expect.stringMatching(/^NAME\s+TYPE\s+STATE\s+TASKS\s+TOPICS$/),
      expect.stringMatching(/^file-sink\s+sink\s+RUNNING\s+1\/1\s+lines$/),
      expect.stringMatching(/^file-source\s+source\s+RUNNING\s+1\/1\s+lines$/),
    ]);
    const worker = stack.url.replace('http://', '');
    const status = await stack.kconnect(['status', 'file-source', '--json']);
    expect(JSON.parse(status.stdout)).toEqual({ name: 'file-source', type: 'source', connector: { state: 'RUNNING', workerId: worker }, tasks: [{ id: 0, state: 'RUNNING', workerId: worker }] });
    const statusHuman = await stack.kconnect(['status', 'file-source']);
    expect(lines(statusHuman.stdout)).toEqual([expect.stringMatching(new RegExp(`^connector\\s+file-source\\s+RUNNING\\s+worker ${worker}\\s+source$`)), expect.stringMatching(new RegExp(`^task 0\\s+RUNNING\\s+worker ${worker}$`))]);

    expect(JSON.parse((await stack.kconnect(['topics', 'file-source', '--json'])).stdout)).toEqual({ name: 'file-source', topics: ['lines'] });
    expect((await stack.kconnect(['topics', 'file-sink'])).stdout).toBe('lines\n');
    const config = JSON.parse((await stack.kconnect(['config', 'file-source', '--json'])).stdout);
    expect(config).toEqual({ name: 'file-source', 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: source, topic: 'lines', 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' });
    expect(lines((await stack.kconnect(['config', 'file-source'])).stdout)).toContain(`file=${source}`);
  });

  it('pause stops the source reading the file; resume brings the lines written meanwhile', async () => {
    const paused = await stack.kconnect(['pause', 'file-source', '--json']);
    expect(JSON.parse(paused.stdout)).toEqual({ name: 'file-source', action: 'paused' });
    await statusUntil(stack, 'file-source', (s) => s.connector.state === 'PAUSED' && s.tasks.every((t) => t.state === 'PAUSED'));
    const before = (await kconsume('lines')).stdout.split('\n').length;
    appendFileSync(source, 'while paused\n');
    // An absence has no condition to poll: the window is twice the source task's poll interval (FileStreamSourceTask
    // waits 1 s when the file has nothing new), in which a running task would have sent the line.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await kconsume('lines')).stdout.split('\n').length).toBe(before);

    const resumed = await stack.kconnect(['resume', 'file-source']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resumed file-source/);
    const got = await eventually(async () => {
      const out = (await kconsume('lines')).stdout;
      return out.endsWith('while paused\n') ? out : undefined;
    }, 60_000, 'the line written while paused');
    expect(got.split('\n').length).toBe(before + 1);
    // and the sink followed
    await eventually(() => (readFileSync(sink).equals(readFileSync(source)) ? true : undefined), 60_000, 'the sink file to catch up');
  });

  it('update is idempotent: the same PUT twice leaves one connector with that config', async () => {
    const args = ['update', 'file-sink', '--class', 'FileStreamSink', '--config', `file=${sink}`, '--config', 'topics=lines', '--config', STRING, '--json'];
    const first = await stack.kconnect(args);
    const second = await stack.kconnect(args);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(JSON.parse(second.stdout)).toMatchObject({ name: 'file-sink', action: 'updated', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector' } });
    const fresh = await stack.kconnect(['update', 'made-by-update', '--class', 'FileStreamSink', '--config', `file=${join(dir, 'u.txt')}`, '--config', 'topics=lines', '--json']);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ name: 'made-by-update', action: 'created' });
    // -f takes what config --json prints
    const file = join(dir, 'cfg.json');
    writeFileSync(file, (await stack.kconnect(['config', 'made-by-update', '--json'])).stdout);
    expect((await stack.kconnect(['update', 'made-by-update', '-f', file])).code).toBe(0);
    const del = await stack.kconnect(['delete', 'made-by-update']);
    expect(del.code).toBe(0);
    expect(lines((await stack.kconnect(['list', '--json'])).stdout).map((l) => JSON.parse(l).name)).toEqual(['file-sink', 'file-source']);
  });

  it('a failing connector: --wait fails with the task error, status shows the trace; restart --failed-only runs it once fixed', async () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the sink wants a directory');
    const target = join(blocked, 'out.txt');
    const r = await stack.kconnect(['create', 'broken-sink', '--class', 'FileStreamSink', '--config', `file=${target}`, '--config', 'topics=lines', '--config', STRING, '--wait', 'running']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `error: broken-sink: task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '${target}' for FileStreamSinkTask`,
      'hint: `kconnect status broken-sink --verbose` shows the whole trace; `kconnect restart broken-sink --tasks --failed-only` tries again',
    ]);
    const human = await stack.kconnect(['status', 'broken-sink']);
    expect(human.stdout).toMatch(/task 0\s+FAILED/);
    expect(lines(human.stdout)).toContain(`  org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '${target}' for FileStreamSinkTask`);
    const verbose = await stack.kconnect(['status', 'broken-sink', '--verbose']);
    expect(verbose.stdout).toMatch(/\tat org\.apache\.kafka\.connect\.file\.FileStreamSinkTask\.start/);
    const json = JSON.parse((await stack.kconnect(['status', 'broken-sink', '--json'])).stdout);
    expect(json.tasks[0]).toMatchObject({ id: 0, state: 'FAILED', trace: expect.stringContaining('FileStreamSinkTask.start') });

    // Still broken: restart --wait fails again with the same error.
    const again = await stack.kconnect(['restart', 'broken-sink', '--tasks', '--failed-only', '--wait', 'running']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/task 0 FAILED/);
    // Fixed: the path is a directory now; the restarted task runs and writes the topic's lines.
    rmSync(blocked);
    mkdirSync(blocked);
    const fixed = await stack.kconnect(['restart', 'broken-sink', '--tasks', '--failed-only', '--wait', 'running', '--json']);
    expect(fixed.stderr).toBe('');
    expect(JSON.parse(fixed.stdout)).toEqual({ name: 'broken-sink', action: 'restarted', state: 'RUNNING' });
    await eventually(() => (existsSync(target) && readFileSync(target).equals(readFileSync(source)) ? true : undefined), 60_000, 'the restarted sink to write');
    expect((await stack.kconnect(['delete', 'broken-sink'])).code).toBe(0);
  });

  it('errors: unknown connector, unknown class with close names, invalid config with every field, a name taken, an unreachable worker', async () => {
    for (const sub of [['status', 'nope'], ['topics', 'nope'], ['config', 'nope'], ['pause', 'nope'], ['resume', 'nope'], ['restart', 'nope'], ['delete', 'nope']]) {
      const r = await stack.kconnect(sub);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual(['error: no connector named "nope" on this worker', 'hint: `kconnect list` shows the connectors there are']);
    }
    const cls = await stack.kconnect(['create', 'x', '--class', 'FileStreamSorce', '--config', 'topic=t']);
    expect(cls.code).toBe(2);
    expect(lines(cls.stderr)).toEqual(['error: this worker has no connector class "FileStreamSorce"', expect.stringMatching(/^hint: did you mean org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector/)]);

    const bad = ['create', 'bad', '--class', 'FileStreamSource', '--config', 'tasks.max=many'];
    const one = await stack.kconnect(bad);
    expect(one.code).toBe(1);
    expect(lines(one.stderr)[0]).toMatch(/^error: the config of "bad" is invalid: \d errors, first (tasks\.max|topic): /);
    const all = await stack.kconnect([...bad, '--validate']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('  tasks.max: Invalid value many for configuration tasks.max: Not a number of type INT');
    expect(all.stderr).toContain('  topic: Missing required configuration "topic" which has no default value.');
    const asJson = await stack.kconnect([...bad, '--validate', '--json']);
    expect(lines(asJson.stdout).map((l) => JSON.parse(l))).toContainEqual({ name: 'bad', field: 'topic', error: 'Missing required configuration "topic" which has no default value.' });
    expect(lines((await stack.kconnect(['list', '--json'])).stdout).map((l) => JSON.parse(l).name)).not.toContain('bad');

    const taken = await stack.kconnect(['create', 'file-source', '--class', 'FileStreamSource', '--config', `file=${source}`, '--config', 'topic=lines']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: a connector named "file-source" already exists\nhint: `kconnect update file-source/);

    const gone = await run('kconnect', ['list', '--url', 'http://127.0.0.1:9', '--timeout', '3000']);
    expect(gone.code).toBe(3);
    expect(lines(gone.stderr)).toEqual(['error: cannot reach the Connect worker at http://127.0.0.1:9: connection refused', expect.stringMatching(/^hint: is it running\? `kstack up --connect`/)]);
    const noClass = await stack.kconnect(['create', 'x', '--config', 'topic=t']);
    expect(noClass.code).toBe(2);
    expect(noClass.stderr).toMatch(/^error: no connector class/);
  });

  it('delete removes a connector, and its topic stays', async () => {
    const r = await stack.kconnect(['delete', 'file-sink', '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'file-sink', action: 'deleted' });
    expect(lines((await stack.kconnect(['list', '--json'])).stdout).map((l) => JSON.parse(l).name)).toEqual(['file-source']);
    expect((await kconsume('lines')).stdout).toContain('hello\n');
  });
});
