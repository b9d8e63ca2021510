// kproduce and kconsume with a real Schema Registry (Apicurio, Confluent's API): Avro, JSON Schema and Protobuf keys and
// values, evolution, records written by kcat with hand-made Confluent frames, round trips byte for byte, failures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, start } from '../support/bins.js';
import { freshTopic } from '../support/kafka.js';
import { privateRegistry, runRegistryTests, type PrivateRegistry } from '../support/registry.js';

let reg: PrivateRegistry;
const dir = mkdtempSync(join(tmpdir(), 'schemas-pc-'));
const file = (name: string, text: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof text === 'string' ? text : JSON.stringify(text));
  return path;
};
const userAvro = { type: 'record', name: 'User', namespace: 'shop', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] };
const userAvsc = file('user.avsc', userAvro);
const keyAvsc = file('key.avsc', { type: 'record', name: 'UserKey', namespace: 'shop', fields: [{ name: 'id', type: 'long' }] });
const orderProto = file('order.proto', 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; int64 cents = 2; Status status = 3; }\nmessage Refund { string order_id = 1; }\nenum Status { NEW = 0; PAID = 1; }\n');
const userJson = file('user.json', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] });

const env = () => ({ KAFKA_SCHEMA_REGISTRY_URL: reg.url });
const produce = (args: string[], input?: string) => run('kproduce', args, { env: env(), ...(input === undefined ? {} : { input }) });
const consumeJson = async (topic: string, extra: string[] = []) => {
  const r = await run('kconsume', [topic, '-e', '--from-beginning', '--json', ...extra], { env: env() });
  return { ...r, records: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
};

/** The registry's REST API, used directly (not through lib/schemas) to register what another client would. */
async function restRegister(subject: string, schema: string, schemaType?: string): Promise<number> {
  const res = await fetch(`${reg.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema, ...(schemaType ? { schemaType } : {}) }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}

/** Every record's key and value bytes, read by kcat (librdkafka): `%K %S` then the bytes, so binary needs no escaping. */
function kcatBytes(topic: string): Array<{ key: Buffer | null; value: Buffer | null }> {
  const r = spawnSync('kcat', ['-b', process.env.KAFKA_BROKERS!, '-C', '-t', topic, '-e', '-q', '-f', '%K %S\n%k%s'], { timeout: 30_000 });
  if (r.error) throw new Error(`kcat could not run (${r.error.message}); install it: apt-get install kcat`);
  const out = r.stdout;
  const records: Array<{ key: Buffer | null; value: Buffer | null }> = [];
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    const [k, s] = out.subarray(at, nl).toString().split(' ').map(Number) as [number, number];
    at = nl + 1;
    const key = k < 0 ? null : out.subarray(at, (at += k));
    const value = s < 0 ? null : out.subarray(at, (at += s));
    records.push({ key, value });
  }
  return records;
}

/** Writes one record with kcat: key and value bytes as given (a delimiter that appears in neither). */
function kcatWrite(topic: string, key: Buffer | null, value: Buffer): void {
  const input = key ? Buffer.concat([key, Buffer.from([0x1e]), value]) : value;
  for (const b of input.subarray(0, -1)) expect(b).not.toBe(0x1f); // the fixtures keep clear of the record delimiter
  const r = spawnSync('kcat', ['-b', process.env.KAFKA_BROKERS!, '-P', '-t', topic, '-D', '\\x1f', ...(key ? ['-K', '\\x1e'] : [])], { input, timeout: 30_000 });
  expect(r.status).toBe(0);
}

const frameOf = (id: number, payload: number[]) => Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255, ...payload]);

describe.runIf(runRegistryTests).sequential('kproduce and kconsume with a Schema Registry', () => {
  beforeAll(async () => {
    reg = await privateRegistry();
  });
  afterAll(async () => reg?.stop());

  it('Avro keys and values: registered under TOPIC-key and TOPIC-value, framed, decoded with the schema id', async () => {
    const topic = await freshTopic('sr-avro');
    const p = await produce([topic, '--value-schema', userAvsc, '--key-schema', keyAvsc, '-k', '{"id":7}', '{"name":"ab","age":3}']);
    expect(p.code).toBe(0);
    const subjects = (await (await fetch(`${reg.url}/subjects`)).json()) as string[];
    expect(subjects).toEqual(expect.arrayContaining([`${topic}-key`, `${topic}-value`]));
    const valueId = ((await (await fetch(`${reg.url}/subjects/${topic}-value/versions/latest`)).json()) as { id: number }).id;
    const keyId = ((await (await fetch(`${reg.url}/subjects/${topic}-key/versions/latest`)).json()) as { id: number }).id;
    // What kcat reads: magic 0, the id, then Avro binary worked out by hand ("ab" = 04 61 62, 3 = 06; 7L = 0e).
    expect(kcatBytes(topic)).toEqual([{ key: frameOf(keyId, [0x0e]), value: frameOf(valueId, [0x04, 0x61, 0x62, 0x06]) }]);

    const c = await consumeJson(topic);
    expect(c.code).toBe(0);
    expect(c.records).toEqual([
      expect.objectContaining({
        key: { id: 7 },
        keySchema: { id: keyId, type: 'AVRO', subject: `${topic}-key`, version: 1 },
        value: { name: 'ab', age: 3 },
        valueSchema: { id: valueId, type: 'AVRO', subject: `${topic}-value`, version: 1 },
      }),
    ]);
    const pretty = await run('kconsume', [topic, '-e', '--from-beginning'], { env: env() });
    expect(pretty.stdout).toBe(`${topic}[0]@0 key={"id":7} {"name":"ab","age":3} (key: avro id ${keyId} ${topic}-key v1; avro id ${valueId} ${topic}-value v1)\n`);
    const raw = await run('kconsume', [topic, '-e', '--from-beginning', '--raw'], { env: env() });
    expect(Buffer.from(raw.stdout, 'latin1').length).toBeGreaterThan(0);
    expect(raw.stdout.startsWith('\u0000')).toBe(true); // the frame, not decoded
  });

  it('JSON Schema values: the document after the frame', async () => {
    const topic = await freshTopic('sr-json');
    expect((await produce([topic, '--value-schema', userJson, '{"name":"j","age":1}'])).code).toBe(0);
    const id = ((await (await fetch(`${reg.url}/subjects/${topic}-value/versions/latest`)).json()) as { id: number; schemaType: string }).id;
    expect(kcatBytes(topic)[0]!.value).toEqual(Buffer.concat([frameOf(id, []), Buffer.from('{"name":"j","age":1}')]));
    const c = await consumeJson(topic);
    expect(c.records[0]).toMatchObject({ value: { name: 'j', age: 1 }, valueSchema: { id, type: 'JSON', subject: `${topic}-value`, version: 1 } });
  });

  it('Protobuf values: message indexes framed as Confluent does, --message picks another message', async () => {
    const topic = await freshTopic('sr-proto');
    expect((await produce([topic, '--value-schema', orderProto, '{"id":"o1","cents":"250","status":"PAID"}'])).code).toBe(0);
    expect((await produce([topic, '--value-schema', orderProto, '--message', 'Refund', '{"order_id":"o1"}'])).code).toBe(0);
    const id = ((await (await fetch(`${reg.url}/subjects/${topic}-value/versions/latest`)).json()) as { id: number }).id;
    // [0] is one 0 byte; [1] is 02 02. Then protobuf: 0a 02 "o1"; 10 fa 01 (250); 18 01 (PAID).
    expect(kcatBytes(topic).map((r) => r.value)).toEqual([
      frameOf(id, [0x00, 0x0a, 0x02, 0x6f, 0x31, 0x10, 0xfa, 0x01, 0x18, 0x01]),
      frameOf(id, [0x02, 0x02, 0x0a, 0x02, 0x6f, 0x31]),
    ]);
    const c = await consumeJson(topic);
    expect(c.records.map((r) => r.value)).toEqual([{ id: 'o1', cents: '250', status: 'PAID' }, { orderId: 'o1' }]);
    expect(c.records[0].valueSchema).toEqual({ id, type: 'PROTOBUF', subject: `${topic}-value`, version: 1 });
  });

  it('decodes records another client wrote: kcat with hand-made frames, schemas registered through the REST API', async () => {
    const topic = await freshTopic('sr-foreign');
    const avroId = await restRegister(`${topic}-value`, JSON.stringify(userAvro));
    const protoId = await restRegister('foreign-proto', 'syntax = "proto3"; message Ping { string id = 1; }', 'PROTOBUF');
    const jsonId = await restRegister('foreign-json', JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { x: { type: 'array' } } }), 'JSON');
    expect(Math.max(avroId, protoId, jsonId)).toBeLessThan(0x1e);
    kcatWrite(topic, Buffer.from('plain-key'), frameOf(avroId, [0x04, 0x61, 0x62, 0x06]));
    kcatWrite(topic, frameOf(protoId, [0x00, 0x0a, 0x01, 0x6b]), frameOf(jsonId, [...Buffer.from('{"x":[1,2]}')]));
    kcatWrite(topic, null, Buffer.from('not framed at all'));
    const c = await consumeJson(topic);
    expect(c.code).toBe(0);
    expect(c.records.map(({ key, keySchema, value, valueSchema }) => ({ key, keySchema, value, valueSchema }))).toEqual([
      { key: 'plain-key', keySchema: undefined, value: { name: 'ab', age: 3 }, valueSchema: { id: avroId, type: 'AVRO', subject: `${topic}-value`, version: 1 } },
      { key: { id: 'k' }, keySchema: { id: protoId, type: 'PROTOBUF', subject: 'foreign-proto', version: 1 }, value: { x: [1, 2] }, valueSchema: { id: jsonId, type: 'JSON', subject: 'foreign-json', version: 1 } },
      { key: null, keySchema: undefined, value: 'not framed at all', valueSchema: undefined },
    ]);
  });

  it('round trip: kconsume --json into kproduce --json-input with the same schemas reproduces the bytes', async () => {
    const src = await freshTopic('sr-rt-src');
    const dst = await freshTopic('sr-rt-dst');
    const lines = ['{"name":"a","age":1}', '{"name":"ünï","age":-20}', '{"name":"","age":2147483647}'];
    expect((await produce([src, '--value-schema', userAvsc, '--key-schema', keyAvsc, '-k', '{"id":1}', ...lines])).code).toBe(0);
    const dump = await run('kconsume', [src, '-e', '--from-beginning', '--json'], { env: env() });
    expect(dump.code).toBe(0);
    const copy = await run('kproduce', [dst, '--json-input', '--value-schema', `${src}-value:1`, '--key-schema', `${src}-key:1`], { env: env(), input: dump.stdout });
    expect(copy.code).toBe(0);
    const a = kcatBytes(src);
    expect(a).toHaveLength(3);
    expect(kcatBytes(dst)).toEqual(a);
  });

  it('round trip of a topic written with two schema versions, keys too, using the ids each line names', async () => {
    const src = await freshTopic('sr-rt-mixed');
    const dst = await freshTopic('sr-rt-mixed2');
    const v2 = file('user-rt-v2.avsc', { ...userAvro, fields: [...userAvro.fields, { name: 'email', type: ['null', 'string'], default: null }] });
    expect((await produce([src, '--value-schema', userAvsc, '--key-schema', keyAvsc, '-k', '{"id":1}', '{"name":"a","age":1}'])).code).toBe(0);
    expect((await produce([src, '--value-schema', v2, '{"name":"b","age":2,"email":{"string":"b@x"}}', '{"name":"c","age":3,"email":null}'])).code).toBe(0);
    const dump = await run('kconsume', [src, '-e', '--from-beginning', '--json'], { env: env() });
    expect(dump.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).valueSchema.version)).toEqual([1, 2, 2]);
    const copy = await run('kproduce', [dst, '--json-input'], { env: env(), input: dump.stdout });
    expect(copy.code).toBe(0);
    expect(kcatBytes(dst)).toEqual(kcatBytes(src));
    // Without a registry such a line is refused, not sent as JSON text.
    const none = await run('kproduce', [dst, '--json-input'], { env: { KAFKA_SCHEMA_REGISTRY_URL: '' }, input: dump.stdout });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/error: line 1: its key was decoded with schema id \d+ \(keySchema\), and kproduce has no Schema Registry/);
    expect(kcatBytes(dst)).toHaveLength(3);
  });

  it('Protobuf with references: a schema importing another subject, registered with --references, produced and consumed', async () => {
    const topic = await freshTopic('sr-refs');
    const money = file('money.proto', 'syntax = "proto3";\npackage common;\nmessage Money { string currency = 1; int64 units = 2; }\n');
    const pay = file('pay.proto', 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Pay { string id = 1; common.Money amount = 2; }\n');
    expect((await run('kschemas', ['register', 'money-value', money, '--registry', reg.url])).code).toBe(0);
    const r = await run('kschemas', ['register', `${topic}-value`, pay, '--references', 'money.proto=money-value:1', '--json', '--registry', reg.url]);
    expect(r.code).toBe(0);
    const got = JSON.parse((await run('kschemas', ['get', `${topic}-value`, '--json', '--registry', reg.url])).stdout);
    expect(got.references).toEqual([{ name: 'money.proto', subject: 'money-value', version: 1 }]);
    expect((await produce([topic, '--value-schema', `${topic}-value`, '{"id":"p1","amount":{"currency":"EUR","units":"12"}}'])).code).toBe(0);
    // 0a 02 "p1"; 12 07 (Money: 0a 03 "EUR", 10 0c).
    expect(kcatBytes(topic)[0]!.value).toEqual(frameOf(got.id, [0x00, 0x0a, 0x02, 0x70, 0x31, 0x12, 0x07, 0x0a, 0x03, 0x45, 0x55, 0x52, 0x10, 0x0c]));
    const c = await consumeJson(topic);
    expect(c.records[0].value).toEqual({ id: 'p1', amount: { currency: 'EUR', units: '12' } });
  });

  it('Protobuf round trip with 64-bit integers and enums, byte for byte', async () => {
    const src = await freshTopic('sr-rt-pb');
    const dst = await freshTopic('sr-rt-pb2');
    expect((await produce([src, '--value-schema', orderProto, '{"id":"x","cents":"-9007199254740993","status":"PAID"}', '{"id":"y"}'])).code).toBe(0);
    const dump = await run('kconsume', [src, '-e', '--from-beginning', '--json'], { env: env() });
    expect(dump.stdout).toContain('"cents":"-9007199254740993"');
    expect((await run('kproduce', [dst, '--json-input', '--value-schema', `${src}-value:latest`], { env: env(), input: dump.stdout })).code).toBe(0);
    expect(kcatBytes(dst)).toEqual(kcatBytes(src));
  });

  it('evolution: a compatible schema is accepted as version 2; an incompatible one is refused with the reason, nothing sent', async () => {
    const topic = await freshTopic('sr-evolve');
    expect((await produce([topic, '--value-schema', userAvsc, '{"name":"a","age":1}'])).code).toBe(0);
    const v2 = file('user-v2.avsc', { ...userAvro, fields: [...userAvro.fields, { name: 'email', type: ['null', 'string'], default: null }] });
    const ok = await produce([topic, '--value-schema', v2, '{"name":"b","age":2,"email":{"string":"b@x"}}']);
    expect(ok.code).toBe(0);
    const versions = (await (await fetch(`${reg.url}/subjects/${topic}-value/versions`)).json()) as number[];
    expect(versions).toEqual([1, 2]);
    const bad = file('user-bad.avsc', { ...userAvro, fields: [...userAvro.fields, { name: 'phone', type: 'string' }] });
    const refused = await produce([topic, '--value-schema', bad, '{"name":"c","age":3,"phone":"1"}']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/error: .*(incompatible|not compatible).*phone/i);
    const c = await consumeJson(topic);
    expect(c.records.map((r) => r.value)).toEqual([{ name: 'a', age: 1 }, { name: 'b', age: 2, email: { string: 'b@x' } }]);
    expect(c.records.map((r) => r.valueSchema.version)).toEqual([1, 2]);
  });

  it('a value that does not fit names the message and the field, and nothing after it is sent', async () => {
    const topic = await freshTopic('sr-bad');
    const r = await produce([topic, '--value-schema', userAvsc], '{"name":"a","age":1}\n{"name":"b","age":"two"}\n{"name":"c","age":3}\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: message 2: the value does not fit ${topic}-value (avro, id`);
    expect(r.stderr).toContain('field "age": expected "int", got "two"');
    const c = await consumeJson(topic);
    expect(c.records.map((x) => x.value)).toEqual([{ name: 'a', age: 1 }]);
    const notJson = await produce([await freshTopic('sr-bad-json'), '--value-schema', userJson, '{"name": ']);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('message 1: the value does not fit');
    expect(notJson.stderr).toContain('not valid JSON');
    const missing = await produce([topic, '--value-schema', 'no-such-subject-value']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Subject 'no-such-subject-value' not found");
  });

  it('--no-register refuses a schema file the subject does not hold; id:N uses a registered schema', async () => {
    const topic = await freshTopic('sr-noreg');
    const r = await produce([topic, '--value-schema', userAvsc, '--no-register', '{"name":"a","age":1}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is not registered under ${topic}-value`);
    const id = await restRegister('by-id-value', JSON.stringify(userAvro));
    expect((await produce([topic, '--value-schema', `id:${id}`, '{"name":"a","age":1}'])).code).toBe(0);
    expect(kcatBytes(topic)[0]!.value).toEqual(frameOf(id, [0x02, 0x61, 0x02]));
  });

  it('a framed value whose schema id the registry lacks is an error naming the id, never raw', async () => {
    const topic = await freshTopic('sr-unknown');
    kcatWrite(topic, null, frameOf(0x1d0000, [0x02, 0x61]));
    const c = await run('kconsume', [topic, '-e', '--from-beginning', '--json'], { env: env() });
    expect(c.code).toBe(1);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain(`error: schema id ${0x1d0000} could not be fetched from the Schema Registry at ${reg.url}`);
    // Without a registry the bytes are shown as they are.
    const plain = await run('kconsume', [topic, '-e', '--from-beginning', '--json'], { env: { KAFKA_SCHEMA_REGISTRY_URL: '' } });
    expect(plain.code).toBe(0);
    const shown = JSON.parse(plain.stdout);
    expect(shown.valueSchema).toBeUndefined();
    expect(shown.value).toBe(frameOf(0x1d0000, [0x02, 0x61]).toString('utf8'));
  });

  it('a registry that is down: a clear error within --timeout, from kproduce and kconsume', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const topic = await freshTopic('sr-down');
    kcatWrite(topic, null, frameOf(1, [0x02, 0x61, 0x02]));
    try {
      const p = await run('kproduce', [topic, '--value-schema', userAvsc, '--registry', url, '--timeout', '2000', '{"name":"a","age":1}']);
      expect(p.code).toBe(3);
      expect(p.stderr).toContain(`error: the Schema Registry at ${url} did not answer within 2000 ms`);
      const c = await run('kconsume', [topic, '-e', '--from-beginning', '--registry', url, '--timeout', '2000']);
      expect(c.code).toBe(3);
      expect(c.stderr).toContain(`did not answer within 2000 ms`);
      expect(c.stdout).toBe('');
      // Ctrl-C while it waits for the registry: out at once with 130, not after the timeout.
      const before = sockets.length;
      const waiting = start('kproduce', [topic, '--value-schema', userAvsc, '--registry', url, '--timeout', '120000', '{"name":"a","age":1}']);
      waiting.child.stdin.end();
      for (let i = 0; i < 600 && sockets.length === before; i++) await new Promise((r) => setTimeout(r, 100));
      expect(sockets.length).toBeGreaterThan(before);
      waiting.child.kill('SIGINT');
      const interrupted = await waiting.done;
      expect(interrupted.code).toBe(130);
      expect(interrupted.stderr).toContain('interrupted');
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
    expect(kcatBytes(topic)).toHaveLength(1); // kproduce sent nothing
  });
});
