// kconnect's output: list rows, status lines with the first line of a trace (all of it with --verbose), JSON shapes.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ConnectorStatus } from '../../../lib/connect/api.js';
import { listLines, statusJson, statusLines, summarize } from '../../../lib/connect/format.js';

const c = new Chalk({ level: 0 });
const TRACE = 'org.apache.kafka.connect.errors.ConnectException: no file\n\tat a.b.C.start(C.java:1)\n\tat a.b.D.run(D.java:2)\n';
const failed: ConnectorStatus = {
  name: 'sink',
  type: 'sink',
  connector: { state: 'RUNNING', worker_id: 'w:8083' },
  tasks: [
    { id: 0, state: 'RUNNING', worker_id: 'w:8083' },
    { id: 1, state: 'FAILED', worker_id: 'w:8083', trace: TRACE },
  ],
};

describe('status', () => {
  it('shows the first line of a failed task\'s trace under it', () => {
    expect(statusLines(failed, c, false)).toEqual([
      'connector  sink  RUNNING  worker w:8083  sink',
      'task 0           RUNNING  worker w:8083',
      'task 1           FAILED   worker w:8083',
      '  org.apache.kafka.connect.errors.ConnectException: no file',
    ]);
  });
  it('--verbose shows the whole trace', () => {
    expect(statusLines(failed, c, true).slice(3)).toEqual(['', 'org.apache.kafka.connect.errors.ConnectException: no file', '\tat a.b.C.start(C.java:1)', '\tat a.b.D.run(D.java:2)']);
  });
  it('JSON names fields in camelCase and keeps the whole trace', () => {
    expect(statusJson(failed)).toEqual({
      name: 'sink',
      type: 'sink',
      connector: { state: 'RUNNING', workerId: 'w:8083' },
      tasks: [
        { id: 0, state: 'RUNNING', workerId: 'w:8083' },
        { id: 1, state: 'FAILED', workerId: 'w:8083', trace: TRACE },
      ],
    });
  });
});

describe('list', () => {
  it('counts running tasks of all and lists topics', () => {
    const row = summarize(failed, { name: 'sink', type: 'sink', config: { 'connector.class': 'FileStreamSink' }, tasks: [] }, ['a', 'b']);
    expect(row).toEqual({ name: 'sink', type: 'sink', class: 'FileStreamSink', state: 'RUNNING', tasks: { running: 1, total: 2 }, topics: ['a', 'b'] });
    expect(listLines([row], c)).toEqual(['NAME  TYPE  STATE    TASKS  TOPICS', 'sink  sink  RUNNING  1/2    a,b']);
  });
});
