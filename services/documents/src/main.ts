import { runService } from '@portico/kit';
import { loadConfig } from './config';
import { startDocuments } from './server';

// The only place the documents service reads the environment and listens.
runService('documents', () => startDocuments(loadConfig(process.env)));
