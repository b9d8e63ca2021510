// npm run quickstart against a broker that already runs: it must not start another, and must read "hello" back.
import { describe, expect, it } from 'vitest';
import { run } from '../support/bins.js';

describe('quickstart', () => {
  it('uses the Kafka that answers, sends hello to teste, reads that very record back, and says what to try next', async () => {
    for (const round of [1, 2]) {
      const r = await run('quickstart', [], { timeoutMs: 90_000 });
      expect(r.code).toBe(0);
      const report = /^✔ teste\[(\d)\]@(\d+) \d+ ms$/m.exec(r.stdout);
      expect(report).not.toBeNull();
      // The record read back is the one just sent: same partition and offset.
      expect(r.stdout).toContain(`teste[${report?.[1]}]@${report?.[2]} hello\n`);
      expect(r.stderr).toContain('already running: using it');
      expect(r.stderr).toContain(round === 1 ? 'Topic teste' : 'exists already');
      expect(r.stderr).toMatch(/Try next:\n.*kconsume teste -g g1/);
    }
  });
});
