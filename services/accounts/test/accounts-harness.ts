import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeClaims, testing, type DbConfig, type Principal, type Tracing } from '@portico/kit';
import { loadConfig, startAccounts, type RunningAccounts } from '@portico/accounts';
import { Contact } from '../src/contact/contact.entity';
import { Customer } from '../src/customer/customer.entity';
import { StaffUser } from '../src/staff/staff-user.entity';

const { TEST_CLAIMS_SECRET } = testing;
export { TEST_CLAIMS_SECRET };

export interface DemoIds {
  acmeId: string;
  globexId: string;
  alice: Contact;
  lucia: Contact;
  admin: StaffUser;
}

export interface TestAccounts {
  running: RunningAccounts;
  demo: DemoIds;
  /** Where the accounts service writes outgoing mail (.eml files). */
  mailFolder: string;
  /** The PKCS#8 PEM the accounts service signs access tokens with. */
  signingKeyPem: string;
  /** Every SQL statement the accounts driver ran, in order. */
  queries: string[];
  /** The database this instance runs on (a second instance may open it too). */
  dbConfig: DbConfig;
  /** POSTs to the accounts subgraph with gateway claims for `principal` (or none). */
  post(
    query: string,
    options?: {
      principal?: Principal | null;
      variables?: Record<string, unknown>;
      claims?: string;
    },
  ): Promise<testing.GraphQLResponse>;
  /** Stops the service and starts it again on the same database and mail folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a real accounts subgraph on a free port over a fresh database, with the demo data. */
export async function startTestAccounts(
  target: testing.DatabaseTarget,
  env: Record<string, string> = {},
  options: { tracing?: Tracing } = {},
): Promise<TestAccounts> {
  const database = await target.create('accounts');
  const keyDir = mkdtempSync(join(tmpdir(), 'portico-keys-'));
  const queries: string[] = [];
  const config = loadConfig({
    AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
    HTTP_PORT: '0',
    AUTH_SIGNING_KEY_FILE: join(keyDir, 'signing.pem'),
    MAIL_FOLDER: join(keyDir, 'mail'),
    SEED_DEMO: 'true',
    // Tests that need notifications turn them on with their own producers'
    // feeds; the defaults would follow whatever listens on 4004/4005.
    NOTIFICATIONS_ENABLED: 'false',
    ...dbEnv(database.config),
    ...env,
  });
  let running = await startAccounts(config, {
    onQuery: (sql) => queries.push(sql),
    tracing: options.tracing,
  });
  const manager = running.db.manager;
  const acme = await manager
    .getRepository(Customer)
    .findOneByOrFail({ companyName: 'Acme Supplies Ltd' });
  const globex = await manager
    .getRepository(Customer)
    .findOneByOrFail({ companyName: 'Globex Ibérica S.L.' });
  const demo: DemoIds = {
    acmeId: acme.id,
    globexId: globex.id,
    alice: await manager.getRepository(Contact).findOneByOrFail({ email: 'alice@acme.example' }),
    lucia: await manager.getRepository(Contact).findOneByOrFail({ email: 'lucia@globex.example' }),
    admin: await manager
      .getRepository(StaffUser)
      .findOneByOrFail({ email: 'admin@portico.example' }),
  };
  let stopped: Promise<void> | undefined;
  return {
    get running() {
      return running;
    },
    demo,
    signingKeyPem: readFileSync(join(keyDir, 'signing.pem'), 'utf8'),
    mailFolder: join(keyDir, 'mail'),
    queries,
    dbConfig: database.config,
    post: (query, options = {}) => {
      const headers: Record<string, string> = {};
      if (options.claims !== undefined) headers['x-portico-claims'] = options.claims;
      else if (options.principal !== null) {
        headers['x-portico-claims'] = encodeClaims(
          options.principal ?? { kind: 'anonymous' },
          TEST_CLAIMS_SECRET,
        );
      }
      return testing.postGraphQL(running.url, query, { variables: options.variables, headers });
    },
    restart: async () => {
      await running.close();
      running = await startAccounts(config, {
        onQuery: (sql) => queries.push(sql),
        tracing: options.tracing,
      });
    },
    stop: () => {
      stopped ??= (async () => {
        await running.close();
        await database.drop();
        rmSync(keyDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function dbEnv(config: DbConfig): Record<string, string> {
  return config.driver === 'mysql' ? { DB_URL: config.url } : { DB_SQLITE_PATH: config.path };
}

export function contactPrincipal(contact: Contact): Principal {
  return { kind: 'contact', contactId: contact.id, customerId: contact.customerId };
}

export function staffPrincipal(staff: StaffUser): Principal {
  return { kind: 'staff', staffUserId: staff.id, roles: ['admin'] };
}
