import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { assertPortsFree, findFreeBlock, isPortFree } from '../../../lib/stack/ports.js';

const HOST = '127.0.0.1';
const servers: Server[] = [];

/** Listens on a port the OS picks and returns it; closed in afterEach. */
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await close(server);
  servers.splice(servers.indexOf(server), 1);
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => (s.listening ? close(s) : Promise.resolve())));
});

describe('isPortFree', () => {
  it('is false while a server listens on the port and true once it has closed', async () => {
    const { server, port } = await listen();
    expect(await isPortFree(port, HOST)).toBe(false);
    await close(server);
    expect(await isPortFree(port, HOST)).toBe(true);
  });

  it('releases the port it probed', async () => {
    const port = await freePort();
    expect(await isPortFree(port, HOST)).toBe(true);
    expect(await isPortFree(port, HOST)).toBe(true);
  });
});

describe('assertPortsFree', () => {
  it('resolves when every port is free', async () => {
    const ports = [await freePort(), await freePort()];
    await expect(assertPortsFree(ports, HOST)).resolves.toBeUndefined();
  });

  it.each([
    { what: 'the only port', layout: ['taken'] as const },
    { what: 'the last of three ports', layout: ['free', 'free', 'taken'] as const },
  ])('throws PORT_TAKEN (exit 4, hint about --port) when $what is taken', async ({ layout }) => {
    const ports: number[] = [];
    let taken = 0;
    for (const kind of layout) {
      if (kind === 'taken') {
        taken = (await listen()).port;
        ports.push(taken);
      } else {
        ports.push(await freePort());
      }
    }
    const error = await assertPortsFree(ports, HOST).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KtoolError);
    expect(error).toMatchObject({ code: 'PORT_TAKEN', exitCode: 4 });
    expect((error as KtoolError).message).toContain(`port ${taken} on ${HOST}`);
    expect((error as KtoolError).hint).toMatch(/--port/);
  });
});

describe('findFreeBlock', () => {
  it.each([1, 2, 6])('returns a base in 20000-59999 whose %i ports are all free', async (count) => {
    const base = await findFreeBlock(count, HOST);
    expect(Number.isInteger(base)).toBe(true);
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(base).toBeLessThan(60_000);
    for (let p = base; p < base + count; p++) expect(await isPortFree(p, HOST), `port ${p}`).toBe(true);
  });
});
