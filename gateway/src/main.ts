import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startGateway } from './server';

// The only place the gateway reads the environment and listens.
runService('gateway', () => startGateway(loadConfig(process.env)));
