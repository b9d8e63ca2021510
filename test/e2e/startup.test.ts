// Start-up work: help, usage errors and a plaintext one-shot load no Kafka client (lazy imports); bulk and compressed sends do.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { run, type BinName } from '../support/bins.js';
import { connection, freshTopic } from '../support/kafka.js';

const env = { NODE_OPTIONS: `--import ${join(packageRoot(), 'test', 'support', 'report-kafkajs.mjs')}` };

describe('lazy loading of the Kafka client', () => {
  it.each<{ bin: BinName; args: string[]; code: number }>([
    { bin: 'kproduce', args: ['--help'], code: 0 },
    { bin: 'kconsume', args: ['--help'], code: 0 },
    { bin: 'kproduce', args: ['teste', '--acks', 'two'], code: 2 },
    { bin: 'kconsume', args: ['teste', '-o', 'yesterday'], code: 2 },
  ])('$bin $args: exit $code without loading kafkajs', async ({ bin, args, code }) => {
    const r = await run(bin, args, { env });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain('kafkajs loaded: no');
  });

  it('sends a one-shot on a plaintext connection without it (lib/kafka/quick-produce.ts)', async () => {
    const topic = await freshTopic('startup-check'); // a topic the send would create goes to the full client
    const r = await run('kproduce', ['-b', connection().brokers.join(','), topic, 'hello'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[0\]@0/);
    expect(r.stderr).toContain('kafkajs loaded: no');
  });

  it.each([
    ['a compressed send', ['-z', 'gzip', 'hello']],
    ['lines from stdin', []],
  ])('loads it for %s (so the checks above can tell)', async (_, args) => {
    const r = await run('kproduce', ['-b', connection().brokers.join(','), 'startup-check', ...args], { env, input: 'hello\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('kafkajs loaded: yes');
  });
});
