import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KAFKA_LINE, KAFKA_VERSIONS, findKafkaVersion } from '../../../lib/stack/versions.js';

const MAVEN_DIR = fileURLToPath(new URL('../../../lib/stack/maven/', import.meta.url));

/** The <version> of the org.apache.kafka:kafka_2.13 dependency declared in a pom's text. */
function pinnedKafkaVersion(xml: string): string[] {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const found: string[] = [];
  for (const [dep] of text.matchAll(/<dependency>[\s\S]*?<\/dependency>/g)) {
    const field = (name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(dep)?.[1];
    if (field('groupId') === 'org.apache.kafka' && field('artifactId') === 'kafka_2.13') {
      found.push(field('version') ?? '(no version)');
    }
  }
  return found;
}

describe('findKafkaVersion', () => {
  it.each([
    { name: '3.9', version: '3.9.2' },
    { name: '3.9.2', version: '3.9.2' },
    { name: '4.4', version: '4.4.0' },
    { name: '4.4.0', version: '4.4.0' },
  ])('finds $name as $version', ({ name, version }) => {
    expect(findKafkaVersion(name)?.version).toBe(version);
  });

  it.each(['', '3', '4', '3.8', '3.9.0', '3.9.1', '4.1', '4.1.1', '4.4.1', '4.0', ' 4.4', '4.4 ', 'latest'])('does not know %j', (name) => {
    expect(findKafkaVersion(name)).toBeUndefined();
  });

  it('knows the default line', () => {
    expect(findKafkaVersion(DEFAULT_KAFKA_LINE)?.line).toBe(DEFAULT_KAFKA_LINE);
  });
});

describe('KAFKA_VERSIONS', () => {
  it('has unique lines, releases and poms', () => {
    for (const key of ['line', 'version', 'pom'] as const) {
      const values = KAFKA_VERSIONS.map((v) => v[key]);
      expect(new Set(values).size, key).toBe(values.length);
    }
  });

  it.each(KAFKA_VERSIONS.map((v) => ({ ...v })))('$line: the release $version belongs to its line', (v) => {
    expect(v.version.startsWith(`${v.line}.`)).toBe(true);
    expect(v.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(KAFKA_VERSIONS.map((v) => ({ ...v })))('$line: ZooKeeper only before Kafka 4, log4j2 from Kafka 4', (v) => {
    const major = Number(v.line.split('.')[0]);
    expect(v.zookeeper).toBe(major < 4);
    expect(v.logging).toBe(major >= 4 ? 'log4j2' : 'log4j1');
  });

  it.each(KAFKA_VERSIONS.map((v) => ({ ...v })))('$line: $pom exists under lib/stack/maven/', (v) => {
    expect(existsSync(`${MAVEN_DIR}${v.pom}`)).toBe(true);
  });

  it.each(KAFKA_VERSIONS.map((v) => ({ ...v })))('$line: $pom pins kafka_2.13 $version', (v) => {
    const xml = readFileSync(`${MAVEN_DIR}${v.pom}`, 'utf8');
    expect(pinnedKafkaVersion(xml)).toEqual([v.version]);
  });
});
