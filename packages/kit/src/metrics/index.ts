export * from './service-metrics';
export * from './watch';
export * from './request-metrics-plugin';
