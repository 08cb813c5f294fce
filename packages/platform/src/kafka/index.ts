export * from './kafka';
export * from './buffered-publisher';
export * from './decision-events';
export * from './join-retry';
