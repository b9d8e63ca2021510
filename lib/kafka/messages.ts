// Records as kafkajs's producer (and our Produce encoder) take them, and what every RecordProducer shares. No kafkajs at
// run time: types only.
import type { IHeaders, Message } from 'kafkajs';
import type { OutRecord, RecordProducer } from './producer.js';

/** kafkajs wants headers as an object; a repeated name becomes an array, which it writes as repeated headers. */
function headerObject(list: Array<[string, Buffer | null]>): IHeaders {
  const h: Record<string, Array<Buffer | string>> = {};
  // kafkajs cannot write a null header value; an empty one is the closest it can send.
  for (const [k, v] of list) (h[k] ??= []).push(v ?? Buffer.alloc(0));
  return Object.fromEntries(Object.entries(h).map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs])) as IHeaders;
}

/** The kafkajs message for a record; one without headers already has kafkajs's shape and is passed as it is. */
export const toMessage = (r: OutRecord): Message => (r.headers ? { ...r, headers: headerObject(r.headers) } : (r as Message));

/** RecordProducer.send from its sendEach: the first record refused for good is the send's error. */
export const throwOnRefusal =
  (sendEach: RecordProducer['sendEach']): RecordProducer['send'] =>
  async (topic, records) => {
    const { deliveries, refused } = await sendEach(topic, records);
    if (refused.length > 0) throw refused[0]!.error;
    return deliveries;
  };
