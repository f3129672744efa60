import { loadConfig } from './config';
import { startAccounts } from './server';

/** The only place the accounts service reads the environment and listens. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const running = await startAccounts(config);
  process.stdout.write(`accounts listening on ${running.url}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`accounts: ${signal}, draining\n`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `accounts failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
