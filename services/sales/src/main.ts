import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startSales } from './server';

// The only place the sales service reads the environment and listens.
runService('sales', () => startSales(loadConfig(process.env)));
