export * from './config';
export * from './logging';
export * from './metrics';
export * from './redis';
export * from './security';
export * from './queue';
export * from './kafka';
export * from './health';
