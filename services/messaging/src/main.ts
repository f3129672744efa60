import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startMessaging } from './server';

// The only place the messaging service reads the environment and listens.
runService('messaging', () => startMessaging(loadConfig(process.env)));
