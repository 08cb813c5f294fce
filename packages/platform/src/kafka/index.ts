export * from './kafka';
export * from './buffered-publisher';
export * from './join-retry';
