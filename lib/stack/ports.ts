// Checks that the ports a stack needs are free, and finds free blocks for private test stacks.
import { createServer } from 'node:net';
import { EXIT, KtoolError } from '../errors.js';

export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: number[], host: string): Promise<void> {
  for (const port of ports) {
    if (!(await isPortFree(port, host))) {
      throw new KtoolError('PORT_TAKEN', `port ${port} on ${host} is already in use`, {
        exitCode: EXIT.environment,
        hint: 'stop whatever listens there (is another Kafka running?), or choose another base port with --port N',
      });
    }
  }
}

/**
 * A base port with `count` consecutive free ports above it, picked at random in 20000-32767: below Linux's ephemeral
 * range (32768-60999), where the kernel hands out client-side ports, so no outgoing connection can take a broker's
 * port between this check and the broker binding it.
 */
export async function findFreeBlock(count: number, host: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (32_768 - 20_000 - count));
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await isPortFree(p, host);
    if (free) return base;
  }
  throw new KtoolError('NO_FREE_PORTS', `found no ${count} consecutive free ports`, { exitCode: EXIT.environment });
}
