// mapKafkaError's authentication and TLS cases, fed the error shapes kafkajs and Node produce (seen against a kstack --secure broker).
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../lib/errors.js';
import { mapKafkaError, type ConnectionOptions } from '../../../lib/kafka/index.js';
import { Secret } from '../../../lib/config/secret.js';

const PW = 'map-test-secret-4d2';
const sasl: ConnectionOptions = { brokers: ['127.0.0.1:9094'], timeoutMs: 5000, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: new Secret(PW) } };
const tls: ConnectionOptions = { brokers: ['127.0.0.1:9095'], timeoutMs: 5000, tls: { insecure: false } };
const plain: ConnectionOptions = { brokers: ['127.0.0.1:9095'], timeoutMs: 5000 };
// kafkajs's KafkaJSConnectionError keeps Node's code (connection.js); its typings leave the constructor's options out.
const tlsError = (code: string) => new KafkaJSNumberOfRetriesExceeded(Object.assign(new KafkaJSConnectionError('Connection error: x'), { code }), { retryCount: 5, retryTime: 100 } as never);
/** kafkajs exports KafkaJSConnectionClosedError at runtime but not in its typings; the map goes by class name. */
const closed = () => Object.assign(new Error('Closed connection'), { name: 'KafkaJSConnectionClosedError', retriable: true });

describe('mapKafkaError: authentication and TLS', () => {
  it.each([
    { name: 'wrong credentials', error: Object.assign(new Error('SASL SCRAM SHA256 authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }), o: sasl, code: 'AUTHENTICATION_FAILED', exit: EXIT.auth, message: 'authentication failed for user "alice" (SCRAM-SHA-256)' },
    { name: 'SASL to a listener without SASL', error: new KafkaJSProtocolError({ type: 'ILLEGAL_SASL_STATE', code: 34, retriable: false, message: 'm' } as never), o: sasl, code: 'AUTHENTICATION_FAILED', exit: EXIT.auth, message: 'does not expect SASL' },
    { name: 'a mechanism the broker lacks', error: new KafkaJSProtocolError({ type: 'UNSUPPORTED_SASL_MECHANISM', code: 33, retriable: false, message: 'm' } as never), o: sasl, code: 'AUTHENTICATION_FAILED', exit: EXIT.auth, message: 'does not accept SASL SCRAM-SHA-256' },
    { name: 'an untrusted certificate', error: tlsError('SELF_SIGNED_CERT_IN_CHAIN'), o: tls, code: 'TLS_UNTRUSTED', exit: EXIT.auth, message: 'not trusted (SELF_SIGNED_CERT_IN_CHAIN)' },
    { name: 'an unknown issuer', error: tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), o: tls, code: 'TLS_UNTRUSTED', exit: EXIT.auth, message: 'not trusted' },
    { name: 'a host name mismatch', error: tlsError('ERR_TLS_CERT_ALTNAME_INVALID'), o: tls, code: 'TLS_HOSTNAME_MISMATCH', exit: EXIT.auth, message: 'does not name the host' },
    { name: 'an expired certificate', error: tlsError('CERT_HAS_EXPIRED'), o: tls, code: 'TLS_CERT_EXPIRED', exit: EXIT.auth, message: 'not valid now' },
    { name: 'TLS to a plaintext port', error: tlsError('ECONNRESET'), o: tls, code: 'BROKER_UNREACHABLE', exit: EXIT.unreachable, message: 'closed during the TLS handshake' },
    { name: 'plaintext to a TLS port', error: new KafkaJSNumberOfRetriesExceeded(closed(), { retryCount: 5, retryTime: 1 } as never), o: plain, code: 'BROKER_UNREACHABLE', exit: EXIT.unreachable, message: 'the broker closed the connection' },
    { name: 'a refused connection stays plain unreachable', error: tlsError('ECONNREFUSED'), o: tls, code: 'BROKER_UNREACHABLE', exit: EXIT.unreachable, message: 'could not reach Kafka at 127.0.0.1:9095 within 5000 ms' },
  ])('$name: $code, exit $exit', ({ error, o, code, exit, message }) => {
    const e = mapKafkaError(error, o);
    expect(e).toMatchObject({ code, exitCode: exit });
    expect(e.message).toContain(message);
    expect(`${e.message} ${e.hint}`).not.toContain(PW);
  });

  it('the hint for an untrusted certificate depends on whether a CA was given', () => {
    expect(mapKafkaError(tlsError('SELF_SIGNED_CERT_IN_CHAIN'), tls).hint).toContain('--ca FILE');
    expect(mapKafkaError(tlsError('SELF_SIGNED_CERT_IN_CHAIN'), { ...tls, tls: { insecure: false, ca: Buffer.from('x') } }).hint).toContain('did not sign');
  });
});
