import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startAccounts } from './server';

// The only place the accounts service reads the environment and listens.
runService('accounts', () => startAccounts(loadConfig(process.env)));
