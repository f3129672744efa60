export { loadConfig, type GatewayConfig } from './config';
export { startGateway, type RunningGateway } from './server';
