import { describe, expect, it } from 'vitest';
import { KtoolError } from '../../../lib/errors.js';
import { describeOverrides, KSTACK_CONTROLLED, parseBrokerOverrides, sameOverrides, sortOverrides, type BrokerOverrides } from '../../../lib/stack/overrides.js';

describe('parseBrokerOverrides', () => {
  it.each([
    { entries: [], config: {} },
    { entries: ['auto.create.topics.enable=false'], config: { 'auto.create.topics.enable': 'false' } },
    { entries: ['log.retention.ms=60000', 'log.retention.check.interval.ms=5000'], config: { 'log.retention.check.interval.ms': '5000', 'log.retention.ms': '60000' } },
    { entries: ['num.partitions=1', 'num.partitions=6'], config: { 'num.partitions': '6' } },
    { entries: ['ssl.endpoint.identification.algorithm='], config: { 'ssl.endpoint.identification.algorithm': '' } },
    { entries: ['a.b=x=y'], config: { 'a.b': 'x=y' } },
    { entries: ['message.max.bytes= 2000000 '], config: { 'message.max.bytes': ' 2000000 ' } },
    { entries: ['0-a_b.c=1'], config: { '0-a_b.c': '1' } },
    { entries: ['log.cleanup.policy=compact,delete'], config: { 'log.cleanup.policy': 'compact,delete' } },
  ])('$entries -> $config', ({ entries, config }) => {
    expect(parseBrokerOverrides(entries)).toEqual(config);
  });

  it('returns names in sorted order, whatever the order given', () => {
    expect(Object.keys(parseBrokerOverrides(['z.z=1', 'a.a=2', 'm.m=3']))).toEqual(['a.a', 'm.m', 'z.z']);
  });

  it.each([
    { entry: 'auto.create.topics.enable', message: '--config "auto.create.topics.enable": expected name=value', hint: /--config log\.retention\.ms=60000/ },
    { entry: '', message: '--config "": expected name=value', hint: /name=value|--config/ },
    { entry: '=false', message: '--config "=false": "" is not a broker property name', hint: /lower case/ },
    { entry: 'Log.Retention.Ms=1', message: '--config "Log.Retention.Ms=1": "Log.Retention.Ms" is not a broker property name', hint: /lower case/ },
    { entry: '.hidden=1', message: '--config ".hidden=1": ".hidden" is not a broker property name', hint: /lower case/ },
    { entry: '-x=1', message: '--config "-x=1": "-x" is not a broker property name', hint: /lower case/ },
    { entry: ' log.retention.ms=1', message: '--config " log.retention.ms=1": " log.retention.ms" is not a broker property name', hint: /lower case/ },
    { entry: 'log retention=1', message: '--config "log retention=1": "log retention" is not a broker property name', hint: /lower case/ },
    { entry: 'log.retention.ms\n=1', message: '--config "log.retention.ms\n=1": "log.retention.ms\n" is not a broker property name', hint: /lower case/ },
    { entry: 'tópico=1', message: '--config "tópico=1": "tópico" is not a broker property name', hint: /lower case/ },
  ])('refuses $entry as a usage error (exit 2) with a hint', ({ entry, message, hint }) => {
    let thrown: unknown;
    try {
      parseBrokerOverrides(['num.partitions=1', entry]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(KtoolError);
    expect(thrown).toMatchObject({ code: 'USAGE', exitCode: 2, message, hint: expect.stringMatching(hint) });
  });
});

describe('names kstack controls', () => {
  const required = [
    'node.id',
    'broker.id',
    'process.roles',
    'listeners',
    'advertised.listeners',
    'controller.listener.names',
    'controller.quorum.voters',
    'listener.security.protocol.map',
    'log.dirs',
    'zookeeper.connect',
    'inter.broker.listener.name',
  ];

  it('include every property that decides the shape, ports or data directories', () => {
    expect(KSTACK_CONTROLLED).toEqual(expect.arrayContaining(required));
  });

  it.each(KSTACK_CONTROLLED.map((name) => ({ name })))('--config $name=... is refused with exit 2, saying kstack sets it', ({ name }) => {
    expect(() => parseBrokerOverrides([`${name}=x`])).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2, message: `--config ${name}: kstack sets ${name} itself`, hint: expect.stringMatching(/--brokers, --port and --zookeeper/) }));
  });

  it.each([
    { name: 'node.id.suffix' },
    { name: 'listeners.extra' },
    { name: 'log.dirs.x' },
    { name: 'log.retention.ms' },
    { name: 'controller.quorum.election.timeout.ms' },
    { name: 'num.partitions' },
  ])('accepts $name, which only looks like a controlled name', ({ name }) => {
    expect(parseBrokerOverrides([`${name}=1`])).toEqual({ [name]: '1' });
  });
});

describe('sameOverrides', () => {
  it.each<{ a: BrokerOverrides; b: BrokerOverrides; same: boolean }>([
    { a: {}, b: {}, same: true },
    { a: { x: '1' }, b: { x: '1' }, same: true },
    { a: { x: '1', y: '2' }, b: { y: '2', x: '1' }, same: true },
    { a: { x: '1' }, b: {}, same: false },
    { a: {}, b: { x: '1' }, same: false },
    { a: { x: '1' }, b: { x: '2' }, same: false },
    { a: { x: '1' }, b: { y: '1' }, same: false },
    { a: { x: '' }, b: {}, same: false },
    { a: { x: '1', y: '2' }, b: { x: '1' }, same: false },
    { a: { toString: '1' }, b: { x: '1' }, same: false },
  ])('$a vs $b: $same', ({ a, b, same }) => {
    expect(sameOverrides(a, b)).toBe(same);
    expect(sameOverrides(b, a)).toBe(same);
  });
});

describe('sortOverrides and describeOverrides', () => {
  it.each<{ config: BrokerOverrides; text: string }>([
    { config: {}, text: '' },
    { config: { 'log.retention.ms': '60000' }, text: 'log.retention.ms=60000' },
    { config: { 'log.retention.ms': '60000', 'auto.create.topics.enable': 'false' }, text: 'auto.create.topics.enable=false log.retention.ms=60000' },
  ])('$config is described as "$text"', ({ config, text }) => {
    expect(describeOverrides(sortOverrides(config))).toBe(text);
  });
});
