// The REST client at its boundary, against a local HTTP server that answers as a worker would: 409 retries, auth,
// timeouts and error mapping. (Connect's real behaviour is tested against a real worker in test/e2e/connect-*.)
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectClient } from '../../../lib/connect/client.js';
import { status } from '../../../lib/connect/api.js';
import { clientFrom, parseUrl } from '../../../lib/connect/target.js';
import { Secret } from '../../../lib/config/secret.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('ConnectClient', () => {
  it('retries a 409 of a rebalancing worker until it answers', async () => {
    let calls = 0;
    const url = await serve((_req, res) => (++calls < 3 ? json(res, 409, { error_code: 409, message: 'Request cannot be completed because a rebalance is expected' }) : json(res, 200, ['a'])));
    expect(await new ConnectClient({ url, timeoutMs: 5_000 }).get('/connectors')).toEqual(['a']);
    expect(calls).toBe(3);
  });

  it('gives up on 409s after its budget, exit 3', async () => {
    const url = await serve((_req, res) => json(res, 409, { error_code: 409, message: 'rebalance is expected' }));
    await expect(new ConnectClient({ url, timeoutMs: 1_000 }).get('/connectors')).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('rebalancing') });
  });

  it('sends basic auth from the target or the URL, and maps 401 to exit 5', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization ?? '');
      return req.headers.authorization === `Basic ${Buffer.from('admin:pw').toString('base64')}` ? json(res, 200, []) : json(res, 401, { error_code: 401, message: 'Unauthorized' });
    });
    expect(await new ConnectClient({ url, timeoutMs: 5_000, basic: { user: 'admin', password: new Secret('pw') } }).get('/connectors')).toEqual([]);
    expect(await new ConnectClient({ url: url.replace('http://', 'http://admin:pw@'), timeoutMs: 5_000 }).get('/connectors')).toEqual([]);
    const refused = new ConnectClient({ url, timeoutMs: 5_000, basic: { user: 'admin', password: new Secret('wrong') } }).get('/connectors');
    await expect(refused).rejects.toMatchObject({ exitCode: 5, code: 'CONNECT_AUTH' });
    await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining('wrong') });
  });

  it('a worker that does not answer in time is exit 3 with the timeout named', async () => {
    const url = await serve(() => {});
    await expect(new ConnectClient({ url, timeoutMs: 300 }).get('/connectors')).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('no answer within 300 ms') });
  });

  it('keeps Connect\'s message of another failure, first line only', async () => {
    const url = await serve((_req, res) => json(res, 500, { error_code: 500, message: 'boom\n\tat x.y' }));
    await expect(new ConnectClient({ url, timeoutMs: 5_000 }).post('/connectors', {})).rejects.toMatchObject({ exitCode: 1, status: 500, message: 'POST /connectors failed with HTTP 500: boom' });
  });
});

describe('clientFrom', () => {
  it('takes --url, else KAFKA_CONNECT_URL, else the default', () => {
    expect(clientFrom({}, {}).url).toBe('http://127.0.0.1:8083');
    expect(clientFrom({}, { KAFKA_CONNECT_URL: 'http://w:1/' }).url).toBe('http://w:1');
    expect(clientFrom({ url: 'https://x:2' }, { KAFKA_CONNECT_URL: 'http://w:1' }).url).toBe('https://x:2');
  });
  it.each([
    [{ url: 'nope' }, {}, /is not a URL/],
    [{ url: 'ftp://x' }, {}, /not an http/],
    [{ user: 'u' }, {}, /no password/],
    [{}, { KAFKA_CONNECT_PASSWORD: 'p' }, /no user/],
    [{ insecure: true }, {}, /need an https:\/\/ URL/],
    [{ url: 'https://x', cert: '/c' }, {}, /--cert and --cert-key go together/],
  ])('refuses %j %j as a usage error', (flags, env, message) => {
    expect(() => clientFrom(flags, env)).toThrow(message);
  });
  it('parseUrl drops trailing slashes', () => {
    expect(parseUrl('http://a:1//')).toBe('http://a:1');
  });
});

describe('ConnectClient over https', () => {
  // A throwaway CA and a server certificate for 127.0.0.1, made with openssl as kstack --secure makes its own.
  const tls = (() => {
    const dir = mkdtempSync(join(tmpdir(), 'kconnect-tls-'));
    const sh = (cmd: string) => execSync(cmd, { cwd: dir, stdio: 'pipe' });
    sh('openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=test-ca');
    sh('openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    sh('openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile ext.cnf');
    return { dir, ca: join(dir, 'ca.crt'), key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')) };
  })();
  let https: HttpsServer | undefined;
  afterEach(() => new Promise<void>((r) => (https ? https.close(() => r()) : r())));
  async function serveTls(): Promise<string> {
    https = createHttpsServer({ key: tls.key, cert: tls.cert }, (_req, res) => json(res, 200, ['over-tls']));
    await new Promise<void>((r) => https!.listen(0, '127.0.0.1', () => r()));
    return `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  }

  it('trusts the worker with --ca', async () => {
    const url = await serveTls();
    expect(await clientFrom({ url, ca: tls.ca }, {}).get('/connectors')).toEqual(['over-tls']);
  });
  it('refuses an unknown CA with exit 5 and a hint to --ca; --insecure skips the check', async () => {
    const url = await serveTls();
    await expect(clientFrom({ url }, {}).get('/connectors')).rejects.toMatchObject({ exitCode: 5, code: 'CONNECT_TLS', hint: expect.stringContaining('--ca') });
    expect(await clientFrom({ url, insecure: true }, {}).get('/connectors')).toEqual(['over-tls']);
  });
});

describe('ConnectClient and a rebalance reported as HTTP 500', () => {
  it('retries a 500 whose message says a rebalance is expected, as it does a 409; any other 500 fails at once', async () => {
    let calls = 0;
    const url = await serve((_req, res) => (++calls < 3 ? json(res, 500, { error_code: 500, message: 'Request cannot be completed because a rebalance is expected' }) : json(res, 200, { name: 'c' })));
    expect(await new ConnectClient({ url, timeoutMs: 5_000 }).get('/connectors/c')).toEqual({ name: 'c' });
    expect(calls).toBe(3);
  });
});

describe('api.status', () => {
  const running = { name: 'c', connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [], type: 'source' };
  it("asks again while a connector exists but its status is not written yet (the worker's 404), never calls it unknown", async () => {
    let asked = 0;
    const url = await serve((req, res) => {
      if (req.url === '/connectors/c') return json(res, 200, { name: 'c', config: {}, tasks: [] });
      if (req.url === '/connectors/c/status') return ++asked < 3 ? json(res, 404, { error_code: 404, message: 'No status found for connector c' }) : json(res, 200, running);
      json(res, 404, { error_code: 404, message: 'Connector gone not found' });
    });
    const client = new ConnectClient({ url, timeoutMs: 5_000 });
    expect(await status(client, 'c')).toEqual(running);
    expect(asked).toBe(3);
    await expect(status(client, 'gone')).rejects.toMatchObject({ code: 'UNKNOWN_CONNECTOR', message: 'no connector named "gone" on this worker' });
    asked = -1_000;
    await expect(status(new ConnectClient({ url, timeoutMs: 500 }), 'c')).rejects.toMatchObject({ code: 'NO_STATUS_YET', exitCode: 1 });
  });
});
