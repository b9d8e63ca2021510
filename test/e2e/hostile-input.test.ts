// Bad and hostile input to the built bins: each row gives args, stdin, the exit code, the stderr it must print (one
// `error:` line and a `hint:` line, never a stack trace) and what stdout and the topic must hold afterwards.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, run, type BinName } from '../support/bins.js';
import { kcat } from '../support/kcat.js';
import { connection, freshTopic, uniqueName } from '../support/kafka.js';
import { topicOffsets } from '../../lib/kafka/index.js';

const lines = (s: string) => s.split('\n').filter(Boolean);
const brokers = () => process.env.KAFKA_BROKERS as string;

/** An error is its last two lines on stderr: `error: ...` then `hint: ...`; anything before is a summary line. */
const ERROR_TAIL = /(^|\n)error: [^\n]+\nhint: [^\n]+\n$/;

interface Row {
  name: string;
  bin: BinName;
  /** `T` in args is replaced by a fresh topic (with `partitions`, default 1). */
  args: string[];
  partitions?: number;
  stdin?: string | Buffer;
  code: number;
  stderr: RegExp;
  /** Default: nothing on stdout. */
  stdout?: string | RegExp | ((out: string) => void);
  /** What the topic holds afterwards, as kcat -f '%s\n' lines (in order for a one-partition topic). */
  stored?: string[];
}

// Usage errors: exit 2 before anything connects (the broker address is never used).
const usage: Row[] = [
  { name: 'an unknown flag', bin: 'kproduce', args: ['t', 'm', '--nope'], code: 2, stderr: /^error: unknown option '--nope'\nhint: `kproduce --help` lists the flags/ },
  { name: 'no topic (kproduce)', bin: 'kproduce', args: [], code: 2, stderr: /^error: missing required argument 'topic'\nhint: / },
  { name: '--acks 2', bin: 'kproduce', args: ['t', 'm', '--acks', '2'], code: 2, stderr: /--acks.*Allowed choices are all, 1, 0/ },
  { name: 'a broker list without a port', bin: 'kproduce', args: ['t', 'm', '-b', 'no-port'], code: 2, stderr: /expected host:port/ },
  { name: '--timeout that is not a number', bin: 'kproduce', args: ['t', 'm', '--timeout', 'soon'], code: 2, stderr: /--timeout.*expected a whole number/ },
  { name: 'a negative partition', bin: 'kproduce', args: ['t', 'm', '-p', '-1'], code: 2, stderr: /unknown option '-1'|expected a whole number/ },
  { name: 'a partition past the flag range', bin: 'kproduce', args: ['t', 'm', '-p', '99999999'], code: 2, stderr: /-p, --partition.*expected a whole number from 0 to 1000000/ },
  { name: 'a negative --linger', bin: 'kproduce', args: ['t', 'm', '--linger', '-5'], code: 2, stderr: /--linger|unknown option '-5'/ },
  { name: '-n 0', bin: 'kconsume', args: ['t', '-n', '0'], code: 2, stderr: /--max-messages.*expected a whole number from 1/ },
  { name: '-n abc', bin: 'kconsume', args: ['t', '-n', 'abc'], code: 2, stderr: /--max-messages.*expected a whole number/ },
  { name: 'no topic (kconsume)', bin: 'kconsume', args: [], code: 2, stderr: /^error: no topic given\nhint: .*--pattern/ },
  { name: '-o bogus', bin: 'kconsume', args: ['t', '-o', 'bogus'], code: 2, stderr: /-o, --offset.*expected beginning, end, stored/ },
  { name: '--since yesterday', bin: 'kconsume', args: ['t', '--since', 'yesterday'], code: 2, stderr: /--since.*expected a duration like 1h/ },
  { name: '--since with -o', bin: 'kconsume', args: ['t', '--since', '1h', '-o', 'end'], code: 2, stderr: /cannot be used with option '-o/ },
  { name: 'an unknown -F token', bin: 'kconsume', args: ['t', '-F', '%x'], code: 2, stderr: /unknown token "%x"; tokens: %t topic/ },
  { name: '--json with --raw', bin: 'kconsume', args: ['t', '--json', '--raw'], code: 2, stderr: /'--json' cannot be used with option '--raw'/ },
  { name: '-p with -g', bin: 'kconsume', args: ['t', '-p', '0', '-g', 'g1'], code: 2, stderr: /cannot be used with option '-g/ },
  { name: 'a bad --pattern', bin: 'kconsume', args: ['--pattern', 'a('], code: 2, stderr: /not a valid regular expression/ },
  { name: '--idle-timeout 0', bin: 'kconsume', args: ['t', '--idle-timeout', '0'], code: 2, stderr: /--idle-timeout.*expected a whole number from 1/ },
  { name: 'an empty -D', bin: 'kproduce', args: ['t', '-D', ''], code: 2, stderr: /expected a delimiter/ },
  { name: 'an unknown -D escape', bin: 'kproduce', args: ['t', '-D', '\\q'], code: 2, stderr: /unknown escape/ },
  { name: '-H without =', bin: 'kproduce', args: ['t', '-H', 'novalue'], code: 2, stderr: /expected name=value/ },
  { name: 'an unknown codec', bin: 'kproduce', args: ['t', '-z', 'brotli'], code: 2, stderr: /Allowed choices are none, gzip, snappy, lz4, zstd/ },
  { name: '-k with -K', bin: 'kproduce', args: ['t', '-k', 'a', '-K', ':'], code: 2, stderr: /cannot be used with option '-k/ },
  { name: 'a missing -f file', bin: 'kproduce', args: ['t', '-f', '/no/such/file'], code: 2, stderr: /^error: cannot read \/no\/such\/file: no such file\nhint: / },
  { name: '-f that is a directory', bin: 'kproduce', args: ['t', '-f', '/tmp'], code: 2, stderr: /^error: cannot read \/tmp: it is a directory\nhint: / },
  { name: 'arguments and -f', bin: 'kproduce', args: ['t', 'm', '-f', '/etc/hostname'], code: 2, stderr: /^error: give messages as arguments or with -f\/--file, not both/ },
  { name: '--tombstone without a key', bin: 'kproduce', args: ['t', '--tombstone'], code: 2, stderr: /^error: a tombstone needs a key\nhint: .*-k KEY/ },
];

// Against the test broker: unknown names, partitions that do not exist, records the broker refuses, broken input.
const kafka: Row[] = [
  { name: 'an empty stdin', bin: 'kproduce', args: ['T'], stdin: '', code: 2, stderr: /^error: no messages: the input was empty\nhint: /, stored: [] },
  { name: 'a topic that does not exist (kconsume never creates one)', bin: 'kconsume', args: ['nosuch-topic-h3', '-e'], code: 1, stderr: /^error: topic "nosuch-topic-h3" does not exist\nhint: / },
  { name: 'a partition that does not exist (kconsume)', bin: 'kconsume', args: ['T', '-p', '5', '-e'], code: 1, stderr: /^error: topic "[^"]+" has no partition 5 \(it has 1: 0-0\)\nhint: / },
  {
    // kafkajs drops records for a partition it has no metadata for; kproduce checks -p first.
    name: 'a partition that does not exist (kproduce)',
    bin: 'kproduce',
    args: ['T', '-p', '5', 'lost?'],
    code: 1,
    stderr: /^error: topic "[^"]+" has no partition 5[^\n]*\nhint: /,
    stored: [],
  },
  // Checked before anything connects, by Kafka's own rule for names.
  { name: 'an invalid topic name', bin: 'kproduce', args: ['bad topic!', 'm'], code: 2, stderr: /^error: "bad topic!" is not a valid topic name\nhint: / },
  {
    name: 'a record larger than the broker allows (message.max.bytes, ~1 MB)',
    bin: 'kproduce',
    args: ['T'],
    stdin: 'x'.repeat(2_000_000) + '\n',
    code: 1,
    stderr: /^kproduce: 0 messages .* 1 not acknowledged\nerror: line 1, 2\.0 MB: the broker refused a record as too large\nhint: .*max\.message\.bytes/,
    stored: [],
  },
  {
    name: 'a malformed --json-input line: reported by number, the lines before it are sent, none after',
    bin: 'kproduce',
    args: ['T', '--json-input', '--report', 'each', '--json'],
    stdin: '{"value":"one"}\n{"value":"two"}\n{"value":\n{"value":"four"}\n',
    code: 1,
    stderr: /^kproduce: 2 messages .*\nerror: line 3: not valid JSON .*\(the 2 messages before it were acknowledged\)\nhint: one JSON object per line/,
    stdout: (out) => expect(lines(out).map((l) => JSON.parse(l).offset)).toEqual([0, 1]),
    stored: ['one', 'two'],
  },
  {
    name: 'a --json-input line with a bad base64 value',
    bin: 'kproduce',
    args: ['T', '--json-input'],
    stdin: '{"value":"ok"}\n{"value":"%%%","valueEncoding":"base64"}\n',
    code: 1,
    stderr: /error: line 2: "value" is not valid base64 .*\nhint: /,
    stored: ['ok'],
  },
];

async function runRow(row: Row) {
  const topic = row.args.includes('T') || row.stored ? await freshTopic('hostile', row.partitions ?? 1) : '';
  const r = await run(row.bin, row.args.map((a) => (a === 'T' ? topic : a)), { ...(row.stdin === undefined ? {} : { input: row.stdin }), timeoutMs: 60_000 });
  return { r, topic };
}

describe.each([
  ['usage errors (exit 2)', usage],
  ['Kafka refusals and broken input', kafka],
])('%s', (_, rows) => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { r, topic } = await runRow(row);
    expect(r.code).toBe(row.code);
    expect(r.stderr).toMatch(row.stderr);
    expect(r.stderr).toMatch(ERROR_TAIL);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    if (typeof row.stdout === 'function') row.stdout(r.stdout);
    else if (row.stdout instanceof RegExp) expect(r.stdout).toMatch(row.stdout);
    else expect(r.stdout).toBe(row.stdout ?? '');
    if (row.stored) expect(lines(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout)).toEqual(row.stored);
  });
});

describe('binary input and hostile sizes', () => {
  // Values that are not UTF-8, hold newlines, CRs and control bytes; -D '\0' separates them.
  const values = [Buffer.from([0xff, 0xfe, 0x80, 0x0a, 0x0d, 0x01, 0x7f]), Buffer.from('héllo\tworld'), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n\r\n'), Buffer.alloc(0)];

  it('binary and invalid UTF-8 on stdin round-trip byte-exact: --raw, and --json (base64) into --json-input', async () => {
    const topic = await freshTopic('binary');
    const p = await run('kproduce', [topic, '-D', '\\0'], { input: Buffer.concat(values.flatMap((v) => [v, Buffer.from([0])])) });
    expect(p.code).toBe(0);
    // --raw: each value's bytes, then a newline.
    const raw = spawnSync(process.execPath, [bin('kconsume'), topic, '--from-beginning', '-e', '--raw'], { env: { ...process.env, KAFKA_BROKERS: brokers() }, timeout: 60_000 });
    expect(raw.status).toBe(0);
    expect(Buffer.compare(raw.stdout, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])))).toBe(0);
    // --json: values that are not UTF-8 are base64; --json-input writes the same bytes back.
    const json = await run('kconsume', [topic, '--from-beginning', '-e', '--json']);
    expect(json.code).toBe(0);
    const objects = lines(json.stdout).map((l) => JSON.parse(l));
    expect(objects.filter((o) => o.valueEncoding === 'base64')).toHaveLength(2);
    const copy = await freshTopic('binary-copy');
    expect((await run('kproduce', [copy, '--json-input'], { input: json.stdout })).code).toBe(0);
    const back = spawnSync(process.execPath, [bin('kconsume'), copy, '--from-beginning', '-e', '--raw'], { env: { ...process.env, KAFKA_BROKERS: brokers() }, timeout: 60_000 });
    expect(back.status).toBe(0);
    expect(Buffer.compare(back.stdout, raw.stdout)).toBe(0);
  });

  /** Runs kproduce under /usr/bin/time to learn its peak memory (KiB). */
  function measured(args: string[], input: Buffer) {
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, bin('kproduce'), ...args], { input, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const stderr = r.stderr.toString();
    const rss = Number(/maxrss=(\d+)/.exec(stderr)?.[1]);
    return { code: r.status, stdout: r.stdout.toString(), stderr: stderr.replace(/(Command exited with non-zero status \d+\n)?maxrss=\d+\n$/, ''), rssMiB: Math.round(rss / 1024) };
  }

  it('a 50 MB line without a newline: the broker refuses it as too large, exit 1, memory stays bounded', async () => {
    const topic = await freshTopic('huge-line');
    const r = measured([topic], Buffer.alloc(50 * 1024 * 1024, 0x61));
    process.stderr.write(`[hostile-numbers] 50 MB line: exit ${r.code}, peak RSS ${r.rssMiB} MiB\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: line 1, 52\.4 MB: the broker refused a record as too large\nhint: /);
    expect(r.stderr).toMatch(ERROR_TAIL);
    expect(r.rssMiB).toBeLessThan(800);
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%S\\n']).stdout).toBe('');
  });

  it('a line past the 64 MiB input limit: a usage error naming the limit, exit 2, before anything is sent', async () => {
    const topic = await freshTopic('over-limit');
    const r = measured([topic], Buffer.concat([Buffer.from('first\n'), Buffer.alloc(70 * 1024 * 1024, 0x62)]));
    process.stderr.write(`[hostile-numbers] 70 MB line: exit ${r.code}, peak RSS ${r.rssMiB} MiB\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: record 2 is larger than the 64 MiB limit \(records end at "\\n"\)[^\n]*\nhint: .*-D/);
    expect(r.stderr).toMatch(ERROR_TAIL);
    expect(r.rssMiB).toBeLessThan(800);
    // "first" was read before the limit was crossed: it is sent and acknowledged, or nothing is; never half a record.
    expect(['', 'first\n']).toContain(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%s\\n']).stdout);
  });

  // kproduce carries on without a reader for its reports: exit 0 still means every record was acknowledged.
  it('kproduce --report each | head -1: sends the whole input, exits 0', async () => {
    const topic = await freshTopic('pipe-produce');
    const script = `seq 200000 | "${process.execPath}" "${bin('kproduce')}" ${topic} --report each | head -1; echo "kproduce exit \${PIPESTATUS[1]}" >&2`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, KAFKA_BROKERS: brokers() } });
    const code = Number(/kproduce exit (\d+)/.exec(r.stderr)?.[1]);
    const stored = (await topicOffsets(connection(), topic)).reduce((n, p) => n + Number(p.high), 0);
    process.stderr.write(`[hostile-numbers] kproduce | head -1: exit ${code}, ${stored} of 200000 stored\n`);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|^\s+at /m);
    expect(code).toBe(0);
    expect(stored).toBe(200_000);
  });

  it('stops quietly, exit 0, when the reader of stdout goes away (| head -1)', async () => {
    const topic = await freshTopic('e2e-pipe');
    const many = Array.from({ length: 2_000 }, (_, i) => `m${i}`).join('\n') + '\n';
    expect((await run('kproduce', [topic], { input: many })).code).toBe(0);
    for (const cmd of [`"${process.execPath}" "${bin('kconsume')}" ${topic} --from-beginning -e`, `"${process.execPath}" "${bin('kconsume')}" ${topic} --from-beginning -e --json -g ${uniqueName('g')}`, `"${process.execPath}" "${bin('kstack')}" --help`]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd} | head -1`], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KAFKA_BROKERS: brokers() } });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/EPIPE|Error|^\s+at /m);
    }
  });
});
