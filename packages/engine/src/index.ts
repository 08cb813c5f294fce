export * from './config';
export * from './engine';
export * from './features';
export * from './auth/api-key-auth';
export * from './risk';

export * from './decision';
export * from './catalog';
export * from './regime';
export * from './trading';
