export * from './databases';
export * from './graphql-client';
export * from './pdf-text';
export * from './redis-server';
export * from './string-columns';
export * from './schema-drift';
export * from './live-client';
export * from './traces';
