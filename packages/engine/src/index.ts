export * from './config';
export * from './engine';
export * from './features';
export * from './auth/api-key-auth';
export * from './risk';
export * from './models';
export * from './decision';
export * from './forensics';
