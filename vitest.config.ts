// Test groups: unit (no broker), integration (lib/ against a real broker), e2e (the built bins), runtimes (the JVM
// runtimes, images and docs, which start stacks of their own), failure (crashes).
import { defineConfig } from 'vitest/config';

const broker = {
  // One shared broker for the run: KAFKA_BROKERS if set, else a private one started through lib/stack.
  globalSetup: ['test/support/global-broker.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

const RUNTIMES = [
  'test/integration/stack/**/*.test.ts',
  'test/e2e/kstack-recover.test.ts',
  'test/e2e/kstack-registry.test.ts',
  'test/e2e/connect-*.test.ts',
  'test/e2e/schemas-*.test.ts',
  'test/e2e/image.test.ts',
  'test/e2e/compose-podman.test.ts',
  'test/e2e/docs.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: RUNTIMES, ...broker } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: RUNTIMES, ...broker } },
      // Each file starts its own stack (three brokers, a Connect worker, a registry, a container): heavy, and about
      // what runs on the JVM or in podman, so CI runs it once, one file at a time, not on every Node line.
      { test: { name: 'runtimes', include: RUNTIMES, ...broker } },
      // Broker and client failures on private three-broker clusters (kill -9, restarts, signals).
      { test: { name: 'failure', include: ['test/failure/**/*.test.ts'], ...broker } },
    ],
  },
});
