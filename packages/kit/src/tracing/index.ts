export * from './tracing-config';
export * from './tracing';
export * from './sql-spans';
export * from './operation-span-plugin';
export * from './server-span';
