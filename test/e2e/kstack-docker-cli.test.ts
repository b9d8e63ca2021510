// The command lines `kstack --docker` hands to Docker, through the built bin and the docker-compose npm package, seen by
// a stand-in `docker` on PATH that records its arguments and answers like Compose 2.29. It shows what kstack asks for;
// it cannot show that a real engine starts the stack (our machines have none: README "What could not be run here").
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/stack/paths.js';
import { isPortFree } from '../../lib/stack/ports.js';
import { COMPOSE } from '../../lib/stack/versions.js';
import { run } from '../support/bins.js';

const dir = mkdtempSync(join(tmpdir(), 'kstack-docker-cli-'));
const runDir = join(dir, 'run');
const callLog = join(dir, 'calls.log');
const file = join(packageRoot(), COMPOSE.file);

// `ps` prints the services once `up` has run (JSON lines, as Compose 2.21+ does); `down` removes them.
const ps = (state: string) =>
  [
    { Name: 'main-zookeeper-1', Service: 'zookeeper', State: state, Health: state === 'running' ? 'healthy' : '', ExitCode: state === 'running' ? 0 : 143, Publishers: [] },
    { Name: 'main-kafka-1', Service: 'kafka', State: state, Health: state === 'running' ? 'healthy' : '', ExitCode: state === 'running' ? 0 : 143, Publishers: [{ URL: '0.0.0.0', TargetPort: 9092, PublishedPort: 9092, Protocol: 'tcp' }] },
    { Name: 'main-init-topics-1', Service: 'init-topics', State: 'exited', Health: '', ExitCode: 0, Publishers: null },
    { Name: 'main-control-center-1', Service: 'control-center', State: state, Health: state === 'running' ? 'healthy' : '', ExitCode: state === 'running' ? 0 : 143, Publishers: [{ URL: '0.0.0.0', TargetPort: 9021, PublishedPort: 9021, Protocol: 'tcp' }] },
  ]
    .map((o) => JSON.stringify(o))
    .join('\n');

const script = `#!/bin/sh
echo "$*" >> '${callLog}'
state='${join(dir, 'state')}'
case "$*" in
  "info --format {{.ServerVersion}}") echo 28.2.2 ;;
  "compose version --short") echo 2.29.1 ;;
  *" config --services") printf 'zookeeper\\nkafka\\ninit-topics\\ncontrol-center\\n' ;;
  *" ps --all --format json") if [ -f "$state" ]; then cat "$state"; fi ;;
  *" up --wait --wait-timeout "*) echo ' Container main-kafka-1  Healthy' >&2; cat > "$state" <<'JSON'
${ps('running')}
JSON
  ;;
  *" stop --timeout "*) cat > "$state" <<'JSON'
${ps('exited')}
JSON
  ;;
  *" down -v --timeout "*) rm -f "$state" ;;
  *" logs --tail 5 kafka") echo 'kafka-1  | [2026-11-23 12:00:00,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)' ;;
  *) echo "stand-in docker: unexpected arguments: $*" >&2; exit 1 ;;
esac
`;
writeFileSync(join(dir, 'docker'), script);
chmodSync(join(dir, 'docker'), 0o755);
// The stand-in first on PATH, node's own directory after it (the bins run with process.execPath anyway).
const env = { KSTACK_RUN_DIR: runDir, PATH: `${dir}:${dirname(process.execPath)}:/usr/bin:/bin` };
const calls = () => (existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n') : []);
const composeCalls = () => calls().filter((c) => c.startsWith('compose -f'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.sequential('kstack with a Docker engine (a stand-in docker CLI)', () => {
  it('up: probes with docker info, then `docker compose -f <file> up --wait --wait-timeout S -d`; prints both URLs', async (ctx) => {
    if (!(await isPortFree(9092, '127.0.0.1')) || !(await isPortFree(COMPOSE.controlCenterPort, '127.0.0.1'))) ctx.skip(); // up checks them before compose runs
    const up = await run('kstack', ['up', '--timeout', '120000'], { env });
    expect(up.stderr).toContain('kstack: Kafka at localhost:9092, Control Center at http://localhost:9021');
    expect(up.code).toBe(0);
    expect(up.stdout).toBe('KAFKA_BROKERS=localhost:9092\n');
    expect(calls().slice(0, 2)).toEqual(['info --format {{.ServerVersion}}', 'compose version --short']);
    // ps and config --services run at once (lib/stack/docker.ts), so either may be logged first; up comes after both.
    const [first, second, ...rest] = composeCalls();
    expect([first, second].sort()).toEqual([`compose -f ${file} config --services`, `compose -f ${file} ps --all --format json`]);
    expect(rest).toEqual([`compose -f ${file} up --wait --wait-timeout 120 -d`]);
    expect(JSON.parse(readFileSync(join(runDir, 'docker.json'), 'utf8'))).toMatchObject({ provider: 'docker', composeFile: file, compose: { standalone: false, executablePath: 'docker', version: '2.29.1' } });
  });

  it('status, logs and down act on the recorded Docker stack without a flag', async () => {
    const status = await run('kstack', ['status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^running: the compose stack \(Confluent Platform 7\.9\.\d+: Kafka 3\.9 with ZooKeeper, Control Center\)\n/);
    expect(status.stdout).toMatch(/^kafka +main-kafka-1 +running +healthy +ports 9092$/m);
    expect(status.stdout).toMatch(/^init-topics +main-init-topics-1 +exited \(0\) +-$/m);

    const logs = await run('kstack', ['logs', 'kafka', '-n', '5'], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toBe('kafka-1  | [2026-11-23 12:00:00,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)\n');

    const keep = await run('kstack', ['down', '--keep'], { env });
    expect(keep.code).toBe(0);
    expect(composeCalls().at(-1)).toBe(`compose -f ${file} stop --timeout 30`);
    const kept = await run('kstack', ['status', '--json'], { env });
    expect(JSON.parse(kept.stdout)).toMatchObject({ running: false, provider: 'docker', status: 'kept' });

    const down = await run('kstack', ['down', '--timeout', '5000'], { env });
    expect(down.code).toBe(0);
    expect(composeCalls().at(-1)).toBe(`compose -f ${file} down -v --timeout 5`);
    expect(down.stderr).toMatch(/kstack: compose stack removed, with its volumes/);
    expect(existsSync(join(runDir, 'docker.json'))).toBe(false);
  });
});
