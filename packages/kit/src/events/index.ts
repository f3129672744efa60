export * from './envelope';
export * from './event-tables';
export * from './outbox';
export * from './consumer';
export * from './http-feed';
export * from './redis-streams';
export * from './transport';
