export * from './cursor';
export * from './config';
export * from './live-feed';
export * from './subscription';
