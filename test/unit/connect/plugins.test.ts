// Which plugin a --class names, and the close names offered when none does.
import { describe, expect, it } from 'vitest';
import { closeNames, findPlugin, unknownClass } from '../../../lib/connect/plugins.js';

const PLUGINS = [
  { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink' },
  { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source' },
  { class: 'io.debezium.connector.postgresql.PostgresConnector', type: 'source' },
  { class: 'org.apache.kafka.connect.transforms.Filter', type: 'transformation' },
];

describe('findPlugin', () => {
  it.each(['org.apache.kafka.connect.file.FileStreamSourceConnector', 'FileStreamSourceConnector', 'FileStreamSource'])('finds %s', (name) => {
    expect(findPlugin(PLUGINS, name)?.class).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector');
  });
  it('finds connectors only', () => {
    expect(findPlugin(PLUGINS, 'Filter')).toBeUndefined();
    expect(findPlugin(PLUGINS, 'filestreamsource')).toBeUndefined();
  });
});

describe('closeNames', () => {
  it('offers near names, the nearest first', () => {
    expect(closeNames(PLUGINS, 'FileStreamSorce')[0]).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector');
    expect(closeNames(PLUGINS, 'Postgres')).toEqual(['io.debezium.connector.postgresql.PostgresConnector']);
    expect(closeNames(PLUGINS, 'io.debezium.connector.postgresql.PostgreSQLConnector')).toEqual(['io.debezium.connector.postgresql.PostgresConnector']);
  });
  it('offers nothing for a name far from all', () => {
    expect(closeNames(PLUGINS, 'JdbcSinkConnector')).toEqual([]);
    expect(unknownClass(PLUGINS, 'JdbcSinkConnector')).toMatchObject({ exitCode: 2, hint: expect.stringContaining('kstack up --connect --plugin') });
  });
});
