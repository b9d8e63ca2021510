// kstack --secure, without a broker: the port plan, the broker properties, the state's shape and what status lines show.
import { describe, expect, it } from 'vitest';
import { planStack, portSpan } from '../../../lib/stack/plan.js';
import { brokerProperties } from '../../../lib/stack/properties.js';
import { scramFormatArgs, type SecureMaterial } from '../../../lib/stack/secure.js';
import { sameShape, type StackState } from '../../../lib/stack/state.js';
import { secureLines } from '../../../lib/stack/commands.js';
import { DEFAULT_HOST, findKafkaVersion } from '../../../lib/stack/versions.js';

const kafka = findKafkaVersion('3.9')!;
const opts = (brokers: number, secure: boolean) => ({ brokers, mode: 'kraft' as const, kafka, host: DEFAULT_HOST, basePort: 9092, heap: '512m', secure });
const material: SecureMaterial = {
  dir: '/run/secure',
  caFile: '/run/secure/ca.crt',
  clientCert: '/run/secure/client.crt',
  clientKey: '/run/secure/client.key',
  keystore: '/run/secure/broker-keystore.p12',
  truststore: '/run/secure/truststore.p12',
  storePassword: 'store-pw',
  user: 'ktool',
  passwordFile: '/run/secure/password',
  password: 'user-pw',
};

describe('port plan with --secure', () => {
  it.each([
    { n: 1, plain: 2, secure: 5 },
    { n: 3, plain: 6, secure: 15 },
  ])('$n broker(s): $plain ports, $secure with --secure', ({ n, plain, secure }) => {
    expect(portSpan(n, 'kraft')).toBe(plain);
    expect(portSpan(n, 'kraft', true)).toBe(secure);
  });

  it('puts SASL_PLAINTEXT, SSL and SASL_SSL after the existing ports, which do not move', () => {
    const one = planStack(opts(1, true), '/run');
    expect(one.nodes[0]).toMatchObject({ port: 9092, controllerPort: 9093, securePorts: { saslPlaintext: 9094, ssl: 9095, saslSsl: 9096 } });
    expect(one.ports).toEqual([9092, 9093, 9094, 9095, 9096]);
    const three = planStack(opts(3, true), '/run');
    expect(three.nodes.map((x) => [x.port, x.controllerPort, x.securePorts])).toEqual([
      [9092, 9095, { saslPlaintext: 9098, ssl: 9101, saslSsl: 9104 }],
      [9093, 9096, { saslPlaintext: 9099, ssl: 9102, saslSsl: 9105 }],
      [9094, 9097, { saslPlaintext: 9100, ssl: 9103, saslSsl: 9106 }],
    ]);
    expect(three.ports).toEqual(Array.from({ length: 15 }, (_, i) => 9092 + i));
    expect(planStack(opts(1, false), '/run').nodes[0]!.securePorts).toBeUndefined();
  });
});

describe('broker properties with --secure', () => {
  const plan = planStack(opts(1, true), '/run');
  const props = brokerProperties(plan, plan.nodes[0]!, material);

  it('keeps PLAINTEXT (inter-broker too) and adds the three listeners', () => {
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095,SASL_SSL://127.0.0.1:9096');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9092,SASL_PLAINTEXT://127.0.0.1:9094,SSL://127.0.0.1:9095,SASL_SSL://127.0.0.1:9096');
    expect(props['listener.security.protocol.map']).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL');
    expect(props['inter.broker.listener.name']).toBe('PLAINTEXT');
  });

  it('enables PLAIN and SCRAM, with the PLAIN user in each SASL listener\'s JAAS config', () => {
    expect(props['sasl.enabled.mechanisms']).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512');
    for (const l of ['sasl_plaintext', 'sasl_ssl']) {
      expect(props[`listener.name.${l}.plain.sasl.jaas.config`]).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required user_ktool="user-pw";');
      expect(props[`listener.name.${l}.scram-sha-512.sasl.jaas.config`]).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    }
  });

  it('uses the PKCS12 keystore and truststore, and requests client certificates on SSL', () => {
    expect(props).toMatchObject({ 'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': material.keystore, 'ssl.truststore.location': material.truststore, 'listener.name.ssl.ssl.client.auth': 'requested' });
  });

  it('without --secure, nothing of it', () => {
    const p = planStack(opts(1, false), '/run');
    const plain = brokerProperties(p, p.nodes[0]!);
    expect(plain.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(Object.keys(plain).filter((k) => k.startsWith('sasl.') || k.startsWith('ssl.') || k.startsWith('listener.name.'))).toEqual([]);
  });

  it('creates the SCRAM users at format time, for both SCRAM mechanisms', () => {
    expect(scramFormatArgs(material)).toEqual(['--add-scram', 'SCRAM-SHA-256=[name=ktool,password=user-pw]', '--add-scram', 'SCRAM-SHA-512=[name=ktool,password=user-pw]']);
  });
});

describe('state', () => {
  const base: StackState = { provider: 'local', kafka: '3.9.2', mode: 'kraft', brokers: 1, basePort: 9092, host: DEFAULT_HOST, bootstrap: '127.0.0.1:9092', runDir: '/run', status: 'running', startedAt: '', processes: [] };
  const secure = { listeners: { saslPlaintext: '127.0.0.1:9094', ssl: '127.0.0.1:9095', saslSsl: '127.0.0.1:9096' }, mechanisms: ['PLAIN'], user: 'ktool', passwordFile: '/run/secure/password', caFile: '/run/secure/ca.crt', clientCert: '/c', clientKey: '/k', configFile: '/run/secure/ktool-config.json' };

  it('a state file without "secure" (older, or a plain stack) is the plain shape; --secure is another shape', () => {
    expect(sameShape(base, opts(1, false))).toBe(true);
    expect(sameShape(base, opts(1, true))).toBe(false);
    expect(sameShape({ ...base, secure }, opts(1, true))).toBe(true);
    expect(sameShape({ ...base, secure }, opts(1, false))).toBe(false);
  });

  it('status lines name the password file, never a password', () => {
    const text = secureLines(secure).join('\n');
    expect(text).toContain('password in /run/secure/password');
    expect(text).toContain('SASL_SSL 127.0.0.1:9096');
    expect(text).toContain('KTOOL_CONFIG=/run/secure/ktool-config.json kproduce --profile kstack-sasl-ssl');
  });
});
