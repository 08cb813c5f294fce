export * from './config';
export * from './engine';
export * from './features';
export * from './auth/api-key-auth';
export * from './risk';
/** The predict path's body reader, for the engine benchmark's baseline server. */
export { readJsonBody } from './http/json-body';

export * from './decision';
export * from './catalog';
export * from './regime';
export * from './trading';
export * from './market-data';
