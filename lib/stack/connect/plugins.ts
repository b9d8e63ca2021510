// Connector plugins from Maven Central (`kstack up --connect --plugin GROUP:ARTIFACT:VERSION`), each with its dependencies
// in its own directory, as Confluent Hub installs them for the CP images. Kafka's own connect-file is one of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { pomPath } from '../paths.js';
import type { KafkaVersion } from '../versions.js';
import { cachedResolution, ensureResolved, type Resolution } from './resolve.js';

export interface PluginCoordinate {
  group: string;
  artifact: string;
  version: string;
}

const PART = /^[A-Za-z0-9_.-]+$/;

/** --plugin GROUP:ARTIFACT:VERSION, e.g. io.debezium:debezium-connector-postgres:3.6.1.Final. */
export function parsePlugin(value: string): string {
  const parts = value.trim().split(':');
  if (parts.length !== 3 || !parts.every((p) => PART.test(p))) {
    throw new InvalidArgumentError(`expected GROUP:ARTIFACT:VERSION (Maven coordinates), e.g. io.debezium:debezium-connector-postgres:3.6.1.Final, got "${value}".`);
  }
  return parts.join(':');
}

export function coordinate(text: string): PluginCoordinate {
  const [group = '', artifact = '', version = ''] = text.split(':');
  return { group, artifact, version };
}

/** The FileStream connectors: Kafka ships them, but since 3.2 off the worker's classpath (KAFKA-13748). */
export const fileConnectors = (kafka: KafkaVersion): string[] => (kafka.fileConnectors === null ? [] : [`org.apache.kafka:connect-file:${kafka.version}`]);

/**
 * The worker provides the Connect API, Kafka's clients, slf4j and Jackson; a plugin's own copies would only shadow them.
 * Jackson matters: a plugin with its own JsonNode cannot call the worker's JsonConverter (Debezium's CloudEventsConverter
 * fails to load so), and Debezium's own plugin archive (classifier `plugin`, tar.gz) ships without Jackson for that reason.
 */
function pluginPom(c: PluginCoordinate): string {
  const excluded = ['org.apache.kafka', 'org.slf4j', 'com.fasterxml.jackson.core', 'com.fasterxml.jackson.datatype']
    .map((g) => `<exclusion><groupId>${g}</groupId><artifactId>*</artifactId></exclusion>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by kstack: resolves the Connect plugin ${c.group}:${c.artifact}:${c.version} with its runtime dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafka-cli-ts.kstack.plugin</groupId>
  <artifactId>${c.artifact}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${c.group}</groupId><artifactId>${c.artifact}</artifactId><version>${c.version}</version>
      <exclusions>${excluded}</exclusions>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * `<cache>/connect-plugins/<g>_<a>-<v>/` is one plugin.path entry holding one plugin directory (`<a>/`, its jars):
 * plugin.path lists directories whose children are plugins, so each stack can name just the plugins it asked for.
 */
export function pluginResolution(text: string, cacheDir: string): Resolution {
  const c = coordinate(text);
  return { pom: pluginPom(c), dir: join(cacheDir, 'connect-plugins', `${c.group}_${c.artifact}-${c.version}`), jarsSubdir: c.artifact, what: `Connect plugin ${text}` };
}

/** The worker's own jars (connect-runtime, -json, -transforms and the logging backend) for a Kafka release. */
export function workerResolution(kafka: KafkaVersion, cacheDir: string): Resolution {
  return { pom: readFileSync(pomPath(`connect-${kafka.line}.pom.xml`), 'utf8'), dir: join(cacheDir, `connect-${kafka.version}`), jarsSubdir: 'libs', what: `Kafka Connect ${kafka.version}` };
}

export interface ConnectJars {
  /** The worker's classpath directory. */
  libs: string;
  /** plugin.path entries, one per plugin. */
  pluginPath: string[];
}

const MANIFEST = Buffer.from('META-INF/services/org.apache.kafka.connect.');

/**
 * Whether a plugin declares its classes in ServiceLoader manifests (KIP-898): then the worker need not scan every class on
 * its classpath and plugin.path (7 s of a 20 s start here). A zip stores entry names uncompressed, so a byte search finds them.
 */
export function hasServiceManifests(entry: string): boolean {
  const jars = readdirSync(entry, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jar'));
  return jars.some((f) => readFileSync(join(entry, f)).includes(MANIFEST));
}

/** The worker's jars and every plugin's, resolved (from ~/.m2 or Maven Central) on first use, then from the cache. */
export async function ensureConnectJars(kafka: KafkaVersion, plugins: readonly string[], cacheDir: string, progress: (text: string) => void = () => {}): Promise<ConnectJars> {
  const libs = await ensureResolved(workerResolution(kafka, cacheDir), () => progress(`resolving Kafka Connect ${kafka.version} jars from Maven Central (first time only)`));
  const pluginPath: string[] = [];
  for (const p of [...fileConnectors(kafka), ...plugins]) {
    const r = pluginResolution(p, cacheDir);
    await ensureResolved(r, () => progress(`resolving Connect plugin ${p} from Maven Central (first time only)`));
    pluginPath.push(r.dir);
  }
  return { libs, pluginPath };
}

/** The same, only from the cache: undefined if anything is missing. */
export function cachedConnectJars(kafka: KafkaVersion, plugins: readonly string[], cacheDir: string): ConnectJars | undefined {
  const libs = cachedResolution(workerResolution(kafka, cacheDir));
  const rs = [...fileConnectors(kafka), ...plugins].map((p) => pluginResolution(p, cacheDir));
  if (!libs || rs.some((r) => !cachedResolution(r))) return undefined;
  return { libs, pluginPath: rs.map((r) => r.dir) };
}
