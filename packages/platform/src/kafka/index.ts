export * from './kafka';
export * from './buffered-publisher';
export * from './join-retry';
export * from './topic-consumer';
export * from './consumer-process';
