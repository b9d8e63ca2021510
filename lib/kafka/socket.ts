// The socket kafkajs connects with, for plaintext: the kernel's bytes are read into one buffer per connection, reused
// for every read (Node's `onread`), instead of a new 64 KiB Buffer per read: 256 MB fetched was 4,000 allocations of
// external memory for the garbage collector. response-frame.ts copies each read into its response before the buffer
// is read into again. TLS sockets stay kafkajs's own (a TLS socket decrypts into buffers of its own).
import net from 'node:net';

type KafkajsSocketFactory = (o: { host: string; port: number; ssl: unknown; onConnect: () => void }) => net.Socket;

/** Bytes read per read at most (the socket's receive buffer rarely holds more). */
const READ_BYTES = 256 * 1024;
const KEEP_ALIVE_DELAY = 60_000; // kafkajs's

export function socketFactory(tlsFactory: KafkajsSocketFactory): KafkajsSocketFactory {
  return (o) => {
    if (o.ssl) return tlsFactory(o);
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    // With onread Node emits no 'data': it is emitted here, with a view of the shared buffer, to kafkajs's listener.
    const socket: net.Socket = net.connect({ host: o.host, port: o.port, onread: { buffer, callback: (n) => socket.emit('data', buffer.subarray(0, n)) || true } }, o.onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY);
    return socket;
  };
}
