// The only door to kafkajs: everything else imports from here, so another client could replace it (STYLE 12).
export * from './kafka/client.js';
export * from './kafka/admin.js';
export * from './kafka/producer.js';
export * from './kafka/consumer.js';
