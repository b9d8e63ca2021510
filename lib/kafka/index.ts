// The only door to kafkajs: everything else imports from here, so another client could replace it (STYLE 12). The
// kafkajs-free parts a one-shot needs (quick-produce.ts, deadline.ts) are imported directly: this file loads kafkajs.
export * from './client.js';
export * from './admin.js';
export * from './producer.js';
export * from './consumer.js';
export * from './offsets.js';
