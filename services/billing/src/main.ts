import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startBilling } from './server';

// The only place the billing service reads the environment and listens.
runService('billing', () => startBilling(loadConfig(process.env)));
