// Test groups: unit (no broker), integration (lib/ against a real broker), e2e (the built bins), failure (crashes).
import { defineConfig } from 'vitest/config';

const broker = {
  // One shared broker for the run: KAFKA_BROKERS if set, else a private one started through lib/stack.
  globalSetup: ['test/support/global-broker.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...broker } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], ...broker } },
      // Broker and client failures on private three-broker clusters (kill -9, restarts, signals).
      { test: { name: 'failure', include: ['test/failure/**/*.test.ts'], ...broker } },
    ],
  },
});
