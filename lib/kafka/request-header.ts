// The header every Kafka request starts with (v1), written by hand: for lib/kafka/quick-produce.ts and the bench's floor.

/** A request's header v1 (size, API key and version, correlation id, client id), for a body of bodyLength bytes. */
export function requestHeader(apiKey: number, version: number, id: number, clientId: string, bodyLength: number): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const header = Buffer.allocUnsafe(14 + client.length);
  header.writeInt32BE(header.length - 4 + bodyLength, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(version, 6);
  header.writeInt32BE(id, 8);
  header.writeInt16BE(client.length, 12);
  client.copy(header, 14);
  return header;
}
