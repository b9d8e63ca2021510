// The three formats against payload bytes worked out by hand (Avro and Protobuf specifications), and their value errors.
import { describe, expect, it } from 'vitest';
import { compileAvro } from '../../../lib/schemas/formats/avro.js';
import { compileJsonSchema } from '../../../lib/schemas/formats/json-schema.js';
import { compileProtobuf } from '../../../lib/schemas/formats/protobuf.js';

const user = JSON.stringify({
  type: 'record',
  name: 'User',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
});

describe('Avro', () => {
  it('encodes to Avro binary and decodes to its JSON encoding (wrapped unions)', async () => {
    const c = await compileAvro({ schema: user, references: [] });
    // "ab" = length 2 zig-zag (04) + bytes; 3 = 06; union branch 1 (02) + "x" (02 78).
    const bytes = Buffer.from([0x04, 0x61, 0x62, 0x06, 0x02, 0x02, 0x78]);
    expect(c.encode({ name: 'ab', age: 3, email: { string: 'x' } })).toEqual(bytes);
    expect(c.encode({ name: 'ab', age: 3, email: 'x' })).toEqual(bytes); // plain value, unambiguous union
    expect(c.decode(bytes)).toEqual({ name: 'ab', age: 3, email: { string: 'x' } });
    expect(c.decode(Buffer.from([0x04, 0x61, 0x62, 0x06, 0x00]))).toEqual({ name: 'ab', age: 3, email: null });
  });
  it('names the field that does not fit', async () => {
    const c = await compileAvro({ schema: user, references: [] });
    expect(() => c.encode({ name: 'ab', age: 'three' })).toThrow('field "age": expected "int", got "three"');
    expect(() => c.encode({ age: 3 })).toThrow(/field "name": missing/);
    expect(() => c.encode({ name: 'ab', age: 3, colour: 'red' })).toThrow('field "colour": no such field in record User (fields: name, age, email)');
  });
  it('refuses unknown fields at any depth, through unions, arrays and maps', async () => {
    const inner = { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }] };
    const c = await compileAvro({
      schema: JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'lines', type: { type: 'array', items: inner } }, { name: 'gift', type: ['null', 'Line'], default: null }, { name: 'tags', type: { type: 'map', values: 'Line' } }] }),
      references: [],
    });
    expect(c.decode(c.encode({ lines: [{ sku: 'a' }], gift: { Line: { sku: 'g' } }, tags: {} }))).toEqual({ lines: [{ sku: 'a' }], gift: { Line: { sku: 'g' } }, tags: {} });
    expect(() => c.encode({ lines: [{ sku: 'a' }, { sku: 'b', qty: 2 }], tags: {} })).toThrow('field "lines.1.qty": no such field in record Line');
    expect(() => c.encode({ lines: [], gift: { Line: { sku: 'g', x: 1 } }, tags: {} })).toThrow('field "gift.x": no such field');
    expect(() => c.encode({ lines: [], gift: { sku: 'g', x: 1 }, tags: {} })).toThrow('field "gift.x": no such field');
    expect(() => c.encode({ lines: [], tags: { t: { sku: 's', y: 0 } } })).toThrow('field "tags.t.y": no such field');
  });
  it('resolves named types from references', async () => {
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'x', fields: [{ name: 'city', type: 'string' }] });
    const c = await compileAvro({ schema: JSON.stringify({ type: 'record', name: 'P', namespace: 'x', fields: [{ name: 'home', type: 'x.Address' }] }), references: [{ name: 'x.Address', schema: address }] });
    expect(c.decode(c.encode({ home: { city: 'Lx' } }))).toEqual({ home: { city: 'Lx' } });
  });
  it('refuses a schema that is not Avro', async () => {
    await expect(compileAvro({ schema: '{"type":"recordz"}', references: [] })).rejects.toThrow(/not a valid Avro schema/);
  });
});

describe('JSON Schema', () => {
  const schema = JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, address: { type: 'object', properties: { zip: { type: 'integer' } } } }, required: ['name'], additionalProperties: false });
  it('encodes the document as compact JSON after validating it', async () => {
    const c = await compileJsonSchema({ schema, references: [] });
    expect(c.encode({ name: 'a', address: { zip: 1 } }).toString()).toBe('{"name":"a","address":{"zip":1}}');
    expect(c.decode(Buffer.from('{"name":"a"}'))).toEqual({ name: 'a' });
  });
  it('names the field that does not fit', async () => {
    const c = await compileJsonSchema({ schema, references: [] });
    expect(() => c.encode({ name: 'a', address: { zip: 'x' } })).toThrow('field "address.zip": must be integer');
    expect(() => c.encode({ address: {} })).toThrow('field "name": missing (required)');
  });
  it('supports draft 2020-12', async () => {
    const c = await compileJsonSchema({ schema: JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }] }), references: [] });
    expect(c.encode(['a', 1]).toString()).toBe('["a",1]');
    expect(() => c.encode([1])).toThrow('field "0": must be string');
  });
});

describe('Protobuf', () => {
  const proto = `syntax = "proto3";
package shop;
message Order { string id = 1; int64 cents = 2; Status status = 3; repeated string tags = 4; message Line { string sku = 1; } }
message Refund { string order_id = 1; }
enum Status { NEW = 0; PAID = 1; }
`;
  it('frames the first message with index [0] and encodes fields as protoc does', async () => {
    const c = await compileProtobuf({ schema: proto, references: [] });
    // index 00; field 1 LEN "ab" (0a 02 61 62); field 2 varint 300 (10 ac 02); field 3 varint 1 (18 01).
    const bytes = Buffer.from([0x00, 0x0a, 0x02, 0x61, 0x62, 0x10, 0xac, 0x02, 0x18, 0x01]);
    expect(c.encode({ id: 'ab', cents: '300', status: 'PAID' })).toEqual(bytes);
    expect(c.decode(bytes)).toEqual({ id: 'ab', cents: '300', status: 'PAID' });
  });
  it('picks a message by name, frames its indexes, and accepts proto field names', async () => {
    const refund = await compileProtobuf({ schema: proto, references: [], messageName: 'Refund' });
    const bytes = refund.encode({ order_id: 'ab' });
    expect(bytes).toEqual(Buffer.from([0x02, 0x02, 0x0a, 0x02, 0x61, 0x62]));
    expect(refund.decode(bytes)).toEqual({ orderId: 'ab' });
    const line = await compileProtobuf({ schema: proto, references: [], messageName: 'shop.Order.Line' });
    expect(line.encode({ sku: 'z' }).subarray(0, 3)).toEqual(Buffer.from([0x04, 0x00, 0x00]));
    await expect(compileProtobuf({ schema: proto, references: [], messageName: 'Nope' })).rejects.toThrow(/no message "Nope" \(messages: shop.Order, shop.Order.Line, shop.Refund\)/);
  });
  it('names the field that does not fit instead of coercing it', async () => {
    const c = await compileProtobuf({ schema: proto, references: [] });
    expect(() => c.encode({ id: 'a', cents: 'lots' })).toThrow('field "cents": expected an integer (or a string of digits) (int64), got "lots"');
    expect(() => c.encode({ id: 'a', status: 'LOST' })).toThrow(/field "status": expected one of NEW, PAID/);
    expect(() => c.encode({ id: 'a', colour: 'red' })).toThrow(/field "colour": no such field in message Order/);
    expect(() => c.encode({ tags: 'a' })).toThrow(/field "tags": expected an array/);
  });
  it('imports Google well-known types and referenced files', async () => {
    const common = `syntax = "proto3"; package common; message Money { string currency = 1; }`;
    const c = await compileProtobuf({
      schema: `syntax = "proto3"; import "google/protobuf/timestamp.proto"; import "money.proto"; message Pay { common.Money amount = 1; google.protobuf.Timestamp at = 2; }`,
      references: [{ name: 'money.proto', schema: common }],
    });
    expect(c.decode(c.encode({ amount: { currency: 'EUR' }, at: { seconds: '5' } }))).toEqual({ amount: { currency: 'EUR' }, at: { seconds: '5' } });
  });
});
