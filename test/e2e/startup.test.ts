// Start-up work: help and usage errors load no Kafka client (lazy imports); a real send does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { run, type BinName } from '../support/bins.js';
import { connection } from '../support/kafka.js';

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

  it('loads it for a real send (so the check above can tell)', async () => {
    const r = await run('kproduce', ['-b', connection().brokers.join(','), 'startup-check', 'hello'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('kafkajs loaded: yes');
  });
});
