export * from './assert-never';
export * from './features';
export * from './jobs';
export * from './bars';
export * from './tracking';
export * from './decisions';
export * from './forensics';
export * from './feature-cache-key';
