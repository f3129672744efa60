import { PortalClient } from './client';

// `node dist/main.js <gateway url> <email> <password>`: signs in and prints
// the dashboard, e.g. against `npm start` with a demo contact.
async function main(): Promise<void> {
  const [
    url = 'http://127.0.0.1:4000/graphql',
    email = 'alice@acme.example',
    password = 'acme-demo-password',
  ] = process.argv.slice(2);
  const client = new PortalClient(url);
  await client.signIn(email, password);
  const { viewer } = await client.dashboard();
  process.stdout.write(
    `${viewer.contact?.name ?? viewer.kind} at ${viewer.customer?.companyName}\n`,
  );
  for (const invoice of viewer.customer?.invoices.nodes ?? []) {
    process.stdout.write(
      `  ${invoice.number ?? 'draft'}  ${invoice.status}  due ${invoice.dueDate}  ${invoice.balanceDue.amount} ${invoice.balanceDue.currency}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
