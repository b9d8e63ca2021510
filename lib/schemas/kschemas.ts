// kschemas' subcommands against a Schema Registry: list, versions, get, register, check, config, delete. Data to stdout, one JSON object per line with --json.
import { confirm } from '../cli/confirm.js';
import { paint } from '../cli/style.js';
import { EXIT, KtoolError, usageError } from '../errors.js';
import { out, type Io } from '../io.js';
import { RegistryClient, RegistryError, type RegistryConnection, type SchemaReference, type SchemaText, type SchemaType, type SubjectVersion } from './client.js';
import { readSchemaFile } from './source.js';

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;

export interface Common {
  registry: RegistryConnection | undefined;
  json: boolean;
}

function client(o: Common): RegistryClient {
  if (!o.registry) throw usageError('no Schema Registry given', 'pass --registry URL, set KAFKA_SCHEMA_REGISTRY_URL, or add "schemaRegistry" to your profile (kstack up --registry prints the URL)');
  return new RegistryClient(o.registry);
}

const typeName = (t: SchemaType) => t.toLowerCase();
const versionJson = (v: SubjectVersion) => ({ subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, schema: v.schema, references: v.references });

/** A schema for people: JSON indented, .proto as written. */
function showSchema(s: SchemaText): string {
  if (s.schemaType === 'PROTOBUF') return s.schema.trimEnd();
  try {
    return JSON.stringify(JSON.parse(s.schema), null, 2);
  } catch {
    return s.schema;
  }
}

export async function schemasList(io: Io, o: Common & { deleted: boolean; prefix?: string }): Promise<string[]> {
  const subjects = (await client(o).subjects(o.deleted)).filter((s) => o.prefix === undefined || s.startsWith(o.prefix)).sort();
  for (const s of subjects) out(io, o.json ? JSON.stringify({ subject: s }) : s);
  return subjects;
}

export async function schemasVersions(io: Io, o: Common & { subject: string }): Promise<number[]> {
  const versions = await notFoundHint(client(o).versions(o.subject), o.subject);
  for (const v of versions) out(io, o.json ? JSON.stringify({ subject: o.subject, version: v }) : String(v));
  return versions;
}

export async function schemasGet(io: Io, o: Common & ({ subject: string; version: number | 'latest' } | { id: number })): Promise<void> {
  const c = client(o);
  const p = paint(io, 'stdout');
  if ('id' in o) {
    const s = await c.schemaById(o.id);
    const uses = await c.subjectVersionsOfId(o.id);
    if (o.json) return out(io, JSON.stringify({ id: o.id, schemaType: s.schemaType, schema: s.schema, references: s.references, subjects: uses }));
    out(io, p.dim(`id ${o.id}, ${typeName(s.schemaType)}${uses.length ? `, ${uses.map((u) => `${u.subject} v${u.version}`).join(', ')}` : ''}`));
    return out(io, showSchema(s));
  }
  const v = await notFoundHint(c.version(o.subject, o.version), o.subject);
  if (o.json) return out(io, JSON.stringify(versionJson(v)));
  out(io, p.dim(`${v.subject} version ${v.version}, id ${v.id}, ${typeName(v.schemaType)}${v.references.length ? `, references ${v.references.map((r) => `${r.name}=${r.subject}:${r.version}`).join(' ')}` : ''}`));
  out(io, showSchema(v));
}

export interface RegisterOptions extends Common {
  subject: string;
  file: string;
  type?: SchemaType;
  references: SchemaReference[];
}

export async function schemasRegister(io: Io, o: RegisterOptions): Promise<{ id: number; version?: number }> {
  const c = client(o);
  const text = readSchemaFile(o.file, o.type, o.references);
  let id: number;
  try {
    id = await c.register(o.subject, text);
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'INCOMPATIBLE') {
      const level = await c.getConfig(o.subject).catch(() => undefined);
      const why = await c.compatibility(o.subject, text).then((r) => r.messages, () => []);
      throw new KtoolError('INCOMPATIBLE', `${o.file} is not compatible with ${o.subject}${level ? ` (${level})` : ''}${why.length ? `: ${why.join('; ')}` : ''}`, {
        hint: `see why with: kschemas check ${o.subject} ${o.file}; or change the rule: kschemas config ${o.subject} --compatibility NONE`,
        cause: e,
      });
    }
    if (e instanceof RegistryError && e.code === 'INVALID_SCHEMA') throw new KtoolError('INVALID_SCHEMA', `${o.file}: the registry refused it: ${e.message.replace(/^Schema Registry: /, '')}`, { exitCode: EXIT.usage, cause: e });
    throw e;
  }
  const found = await c.lookup(o.subject, text);
  const version = found?.version;
  if (o.json) out(io, JSON.stringify({ subject: o.subject, version: version ?? null, id, schemaType: text.schemaType }));
  else out(io, `${paint(io, 'stdout').green('✔')} ${o.subject}${version === undefined ? '' : ` version ${version}`}, id ${id} (${typeName(text.schemaType)})`);
  return version === undefined ? { id } : { id, version };
}

export interface CheckOptions extends Common {
  subject: string;
  file: string;
  type?: SchemaType;
  references: SchemaReference[];
  version: number | 'latest';
}

/** Prints the verdict; an incompatible schema then exits 1, so `kschemas check ... && kschemas register ...` works. */
export async function schemasCheck(io: Io, o: CheckOptions): Promise<{ compatible: boolean; messages: string[] }> {
  const c = client(o);
  const text = readSchemaFile(o.file, o.type, o.references);
  let result: { compatible: boolean; messages: string[] };
  let level: string | undefined;
  try {
    result = await c.compatibility(o.subject, text, o.version);
    level = await c.getConfig(o.subject).catch(() => undefined);
  } catch (e) {
    if (!(e instanceof RegistryError && e.registryCode === 40401 && o.version === 'latest')) throw e;
    result = { compatible: true, messages: [`${o.subject} has no versions yet: any schema is compatible`] };
  }
  const p = paint(io, 'stdout');
  if (o.json) out(io, JSON.stringify({ subject: o.subject, version: o.version, compatibility: level ?? null, compatible: result.compatible, messages: result.messages }));
  else {
    out(io, result.compatible ? `${p.green('✔')} compatible with ${o.subject} ${o.version === 'latest' ? 'latest' : `version ${o.version}`}${level ? ` (${level})` : ''}` : `${p.red('✖')} not compatible with ${o.subject} ${o.version === 'latest' ? 'latest' : `version ${o.version}`}${level ? ` (${level})` : ''}`);
    for (const m of result.messages) out(io, `  ${m}`);
  }
  if (!result.compatible) throw new KtoolError('INCOMPATIBLE', `${o.file} is not compatible with ${o.subject}`, { hint: result.messages.length ? undefined : 'the registry gave no reasons' });
  return result;
}

export async function schemasConfig(io: Io, o: Common & { subject?: string; compatibility?: string }): Promise<string> {
  const c = client(o);
  const level = o.compatibility ? await c.setConfig(o.compatibility, o.subject) : await notFoundHint(c.getConfig(o.subject), o.subject);
  if (o.json) out(io, JSON.stringify({ subject: o.subject ?? null, compatibility: level }));
  else out(io, `${o.subject ?? '(global)'}  ${level}`);
  return level;
}

export interface DeleteOptions extends Common {
  subject: string;
  version?: number | 'latest';
  permanent: boolean;
  yes: boolean;
}

export async function schemasDelete(io: Io, o: DeleteOptions): Promise<number[]> {
  const c = client(o);
  const what = o.version === undefined ? `every version of ${o.subject}` : `${o.subject} version ${o.version}`;
  if (!o.yes) {
    const ok = await confirm(io, `${o.permanent ? 'permanently ' : ''}delete ${what}?`);
    if (!ok) throw new KtoolError('NOT_CONFIRMED', 'nothing deleted: not confirmed', { hint: 'answer y to delete, or pass --yes' });
  }
  const versions = o.version === undefined ? await notFoundHint(c.deleteSubject(o.subject, o.permanent), o.subject) : [await notFoundHint(c.deleteVersion(o.subject, o.version, o.permanent), o.subject)];
  if (o.json) out(io, JSON.stringify({ subject: o.subject, versions, permanent: o.permanent }));
  else out(io, `${paint(io, 'stdout').green('✔')} ${o.permanent ? 'permanently ' : ''}deleted ${o.subject} version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}${o.permanent ? '' : ' (soft: ids still decode; --permanent removes them)'}`);
  return versions;
}

/** A missing subject or version says how to find the right one. */
async function notFoundHint<T>(p: Promise<T>, subject: string | undefined): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof RegistryError && (e.code === 'SUBJECT_NOT_FOUND' || e.code === 'VERSION_NOT_FOUND')) {
      throw new KtoolError(e.code, e.message.replace(/^Schema Registry: /, ''), { hint: e.code === 'SUBJECT_NOT_FOUND' ? 'kschemas list shows the subjects' : `kschemas versions ${subject} shows its versions`, cause: e });
    }
    throw e;
  }
}
