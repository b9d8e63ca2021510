// The Connect worker's pure parts: --plugin parsing, its properties, its port rule, and when `up` asks for the same worker.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { hasServiceManifests, parsePlugin, pluginResolution } from '../../../lib/stack/connect/plugins.js';
import { sameConnect } from '../../../lib/stack/connect/state.js';
import { defaultConnectPort, planWorker, workerProperties } from '../../../lib/stack/connect/worker.js';
import type { SecureMaterial } from '../../../lib/stack/secure.js';

function pluginDir(withManifest: boolean): string {
  const entry = mkdtempSync(join(tmpdir(), 'plugin-'));
  mkdirSync(join(entry, 'p'));
  const names = withManifest ? 'META-INF/services/org.apache.kafka.connect.source.SourceConnector' : 'META-INF/MANIFEST.MF';
  writeFileSync(join(entry, 'p', 'a.jar'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from(names)]));
  return entry;
}

const jars = (pluginPath: string[]) => ({ libs: '/cache/connect-3.9.1/libs', pluginPath });

describe('parsePlugin', () => {
  it('takes Maven coordinates GROUP:ARTIFACT:VERSION', () => {
    expect(parsePlugin('io.debezium:debezium-connector-postgres:3.6.1.Final')).toBe('io.debezium:debezium-connector-postgres:3.6.1.Final');
    expect(parsePlugin(' org.apache.kafka:connect-file:3.9.1 ')).toBe('org.apache.kafka:connect-file:3.9.1');
  });
  it.each(['debezium-postgres', 'a:b', 'a:b:c:d', 'a::1', 'a:b:1 2', 'a/b:c:1', 'a:b:<x>'])('refuses %j', (v) => {
    expect(() => parsePlugin(v)).toThrow(InvalidArgumentError);
  });
  it('puts each plugin in its own plugin.path entry, named by its coordinates', () => {
    const r = pluginResolution('io.debezium:debezium-connector-postgres:3.6.1.Final', '/c');
    expect(r.dir).toBe('/c/connect-plugins/io.debezium_debezium-connector-postgres-3.6.1.Final');
    expect(r.jarsSubdir).toBe('debezium-connector-postgres');
    expect(r.pom).toContain('<groupId>io.debezium</groupId><artifactId>debezium-connector-postgres</artifactId><version>3.6.1.Final</version>');
    // The worker provides the Connect API and Kafka's clients.
    expect(r.pom).toContain('<exclusion><groupId>org.apache.kafka</groupId><artifactId>*</artifactId></exclusion>');
  });
});

describe('defaultConnectPort', () => {
  it('is 8083 beside 9092 and moves with --port', () => {
    expect(defaultConnectPort(9092)).toBe(8083);
    expect(defaultConnectPort(19500)).toBe(18491);
  });
});

describe('workerProperties', () => {
  const plan = planWorker('/run', '127.0.0.1', 8083);
  it('runs a distributed worker with the usual internal topics, REST on the given address', () => {
    const p = workerProperties({ plan, bootstrap: '127.0.0.1:9092', brokers: 1, jars: jars([pluginDir(true)]) });
    expect(p).toMatchObject({
      'bootstrap.servers': '127.0.0.1:9092',
      'group.id': 'kstack-connect',
      'config.storage.topic': 'connect-configs',
      'offset.storage.topic': 'connect-offsets',
      'status.storage.topic': 'connect-status',
      'config.storage.replication.factor': 1,
      listeners: 'http://127.0.0.1:8083',
      'plugin.discovery': 'service_load',
    });
    expect(plan.configFile).toBe('/run/nodes/connect/connect-distributed.properties');
    expect(p['security.protocol']).toBeUndefined();
  });
  it.each([
    [1, 1],
    [3, 3],
    [5, 3],
  ])('with %i brokers the internal topics have replication factor %i', (brokers, rf) => {
    const p = workerProperties({ plan, bootstrap: 'x:1', brokers, jars: jars([]) });
    expect([p['config.storage.replication.factor'], p['offset.storage.replication.factor'], p['status.storage.replication.factor']]).toEqual([rf, rf, rf]);
  });
  it('scans every class when a plugin has no ServiceLoader manifests, so the worker still sees it', () => {
    const dirs = [pluginDir(true), pluginDir(false)];
    expect(dirs.map(hasServiceManifests)).toEqual([true, false]);
    expect(workerProperties({ plan, bootstrap: 'x:1', brokers: 1, jars: jars(dirs) })['plugin.discovery']).toBe('hybrid_warn');
    expect(workerProperties({ plan, bootstrap: 'x:1', brokers: 1, jars: jars(dirs) })['plugin.path']).toBe(dirs.join(','));
  });
  it('with --secure authenticates like a client, for itself and for the clients it makes for connectors', () => {
    const m = { user: 'ktool', password: 'pw"x', truststore: '/s/truststore.p12', storePassword: 'sp' } as SecureMaterial;
    const p = workerProperties({ plan, bootstrap: '127.0.0.1:9096', brokers: 1, jars: jars([]), security: m });
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(p[`${prefix}security.protocol`]).toBe('SASL_SSL');
      expect(p[`${prefix}sasl.mechanism`]).toBe('SCRAM-SHA-256');
      expect(p[`${prefix}ssl.truststore.location`]).toBe('/s/truststore.p12');
      expect(p[`${prefix}sasl.jaas.config`]).toContain('username="ktool"');
    }
  });
});

describe('sameConnect', () => {
  const state = { url: 'http://127.0.0.1:8083', port: 8083, plugins: ['a:b:1', 'c:d:2'], pluginPath: [], groupId: 'kstack-connect' };
  it('matches the same port and plugins in any order', () => {
    expect(sameConnect(state, { port: 8083, plugins: ['c:d:2', 'a:b:1'] })).toBe(true);
    expect(sameConnect(undefined, undefined)).toBe(true);
  });
  it('tells a different worker, or none, apart', () => {
    expect(sameConnect(state, { port: 8084, plugins: ['a:b:1', 'c:d:2'] })).toBe(false);
    expect(sameConnect(state, { port: 8083, plugins: ['a:b:1'] })).toBe(false);
    expect(sameConnect(state, undefined)).toBe(false);
    expect(sameConnect(undefined, { port: 8083, plugins: [] })).toBe(false);
  });
});
