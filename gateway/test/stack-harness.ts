import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENTS_FEED_PATH,
  testing as kitTesting,
  type testing,
  type Principal,
  type SignedInPrincipal,
  type Tracing,
} from '@portico/kit';
import { PRINCIPAL_STATUS_PATH, REVOCATIONS_PATH, TokenIssuer } from '@portico/accounts';
import {
  loadConfig as loadBillingConfig,
  startBilling,
  type RunningBilling,
} from '@portico/billing';
import { loadConfig as loadSalesConfig, startSales, type RunningSales } from '@portico/sales';
import {
  loadConfig as loadDocumentsConfig,
  startDocuments,
  type RunningDocuments,
} from '@portico/documents';
import {
  loadConfig as loadMessagingConfig,
  startMessaging,
  type RunningMessaging,
} from '@portico/messaging';
import {
  startTestAccounts,
  TEST_CLAIMS_SECRET,
  type TestAccounts,
} from '../../services/accounts/test/accounts-harness';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/server';

export const SUPERGRAPH_PATH = join(__dirname, '..', '..', 'schema', 'supergraph.graphql');

export interface TestStack {
  accounts: TestAccounts;
  billing: RunningBilling;
  /**
   * Stops billing, runs `whileDown`, then starts billing again on the same
   * database and port (a crash and restart, as far as its events go).
   */
  restartBilling(whileDown?: () => Promise<void>): Promise<void>;
  /** Every SQL statement the billing driver ran, in order. */
  billingQueries: string[];
  sales: RunningSales;
  /** Every SQL statement the sales driver ran, in order. */
  salesQueries: string[];
  /** Documents, storing files on local disk in a temporary folder (or as `documentsEnv` says). */
  documents: RunningDocuments;
  /** The folder documents' local store writes to. */
  documentsFilesDir: string;
  /** Messaging, following accounts, billing, sales and documents. */
  messaging: RunningMessaging;
  /** The environment messaging was configured from (its database included): for more instances. */
  messagingEnv: Record<string, string>;
  gateway: RunningGateway;
  /** The environment the gateway was configured from: for more gateways over the same subgraphs. */
  gatewayEnv: Record<string, string>;
  /** POST to the gateway, optionally with a bearer token. */
  query(
    query: string,
    options?: {
      token?: string;
      variables?: Record<string, unknown>;
      operationName?: string;
      headers?: Record<string, string>;
    },
  ): Promise<testing.GraphQLResponse>;
  signIn(email: string, password: string, mutation?: 'signIn' | 'signInStaff'): Promise<string>;
  /** A token signed with the real accounts key (e.g. for partner principals or expiry). */
  mintToken(
    principal: SignedInPrincipal,
    options?: { ttlSeconds?: number; issuer?: string; audience?: string },
  ): Promise<string>;
  /** A draft made and issued by the demo admin through the gateway; returns its id. */
  issueInvoice(input: {
    customerId: string;
    currency: string;
    unitPrice: string;
    allowPartialPayment?: boolean;
    description?: string;
  }): Promise<string>;
  /** A real partner client made by the demo admin, and a token from its credentials. */
  partnerToken(scopes: string[], customerIds?: string[] | null): Promise<string>;
  stop(): Promise<void>;
}

/** accounts + gateway on free ports, real HTTP between them, over a fresh database. */
export async function startTestStack(
  target: testing.DatabaseTarget,
  options: {
    gatewayEnv?: Record<string, string>;
    accountsEnv?: Record<string, string>;
    billingEnv?: Record<string, string>;
    salesEnv?: Record<string, string>;
    documentsEnv?: Record<string, string>;
    messagingEnv?: Record<string, string>;
    /** Receives the gateway's JSON log lines (otherwise only warnings and errors are printed). */
    gatewayLog?: (line: string) => void;
    /** Where each process's spans go (by service name), instead of its OTEL_* config. */
    tracing?: (service: string) => Tracing;
  } = {},
): Promise<TestStack> {
  const tracingOf = (service: string) => options.tracing?.(service);
  const accounts = await startTestAccounts(target, options.accountsEnv, {
    tracing: tracingOf('accounts'),
  });
  const billingDb = await target.create('billing');
  // Billing and sales follow each other's events: both ports are known before either starts.
  const billingPort = String(await kitTesting.freePort());
  const salesPort = String(await kitTesting.freePort());
  const feedOf = (url: string) => url.replace(/\/graphql$/, EVENTS_FEED_PATH);
  const localFeed = (port: string) => `http://127.0.0.1:${port}${EVENTS_FEED_PATH}`;
  const billingQueries: string[] = [];
  const billingConfig = (port: string) =>
    loadBillingConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: port,
      SEED_DEMO: 'true',
      EVENTS_FEED_ACCOUNTS_URL: feedOf(accounts.running.url),
      EVENTS_FEED_SALES_URL: localFeed(salesPort),
      ...(billingDb.config.driver === 'mysql'
        ? { DB_URL: billingDb.config.url }
        : { DB_SQLITE_PATH: billingDb.config.path }),
      ...options.billingEnv,
    });
  let billing = await startBilling(billingConfig(billingPort), {
    onQuery: (sql) => billingQueries.push(sql),
    tracing: tracingOf('billing'),
  });
  const salesDb = await target.create('sales');
  const salesQueries: string[] = [];
  const sales = await startSales(
    loadSalesConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: salesPort,
      SEED_DEMO: 'true',
      EVENTS_FEED_ACCOUNTS_URL: feedOf(accounts.running.url),
      EVENTS_FEED_BILLING_URL: localFeed(billingPort),
      ...(salesDb.config.driver === 'mysql'
        ? { DB_URL: salesDb.config.url }
        : { DB_SQLITE_PATH: salesDb.config.path }),
      ...options.salesEnv,
    }),
    { onQuery: (sql) => salesQueries.push(sql), tracing: tracingOf('sales') },
  );
  const documentsDb = await target.create('documents');
  const documentsFiles = mkdtempSync(join(tmpdir(), 'portico-documents-'));
  const documents = await startDocuments(
    loadDocumentsConfig({
      AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
      HTTP_PORT: '0',
      SEED_DEMO: 'true',
      STORAGE_LOCAL_DIR: documentsFiles,
      EVENTS_FEED_ACCOUNTS_URL: feedOf(accounts.running.url),
      EVENTS_FEED_BILLING_URL: localFeed(billingPort),
      EVENTS_FEED_SALES_URL: localFeed(salesPort),
      ...(documentsDb.config.driver === 'mysql'
        ? { DB_URL: documentsDb.config.url }
        : { DB_SQLITE_PATH: documentsDb.config.path }),
      ...options.documentsEnv,
    }),
    { tracing: tracingOf('documents') },
  );
  const messagingDb = await target.create('messaging');
  const messagingEnv: Record<string, string> = {
    AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
    HTTP_PORT: '0',
    SEED_DEMO: 'true',
    EVENTS_FEED_ACCOUNTS_URL: feedOf(accounts.running.url),
    EVENTS_FEED_BILLING_URL: localFeed(billingPort),
    EVENTS_FEED_SALES_URL: localFeed(salesPort),
    EVENTS_FEED_DOCUMENTS_URL: feedOf(documents.url),
    ...(messagingDb.config.driver === 'mysql'
      ? { DB_URL: messagingDb.config.url }
      : { DB_SQLITE_PATH: messagingDb.config.path }),
    ...options.messagingEnv,
  };
  const messaging = await startMessaging(loadMessagingConfig(messagingEnv), {
    tracing: tracingOf('messaging'),
  });
  const gatewayEnv: Record<string, string> = {
    AUTH_CLAIMS_SECRET: TEST_CLAIMS_SECRET,
    HTTP_PORT: '0',
    GATEWAY_SUPERGRAPH_PATH: SUPERGRAPH_PATH,
    SUBGRAPH_ACCOUNTS_URL: accounts.running.url,
    SUBGRAPH_BILLING_URL: billing.url,
    SUBGRAPH_SALES_URL: sales.url,
    SUBGRAPH_DOCUMENTS_URL: documents.url,
    SUBGRAPH_MESSAGING_URL: messaging.url,
    AUTH_JWKS_URL: accounts.running.jwksUrl,
    AUTH_PRINCIPAL_STATUS_URL: accounts.running.url.replace(/\/graphql$/, PRINCIPAL_STATUS_PATH),
    AUTH_REVOCATIONS_URL: accounts.running.url.replace(/\/graphql$/, REVOCATIONS_PATH),
    GATEWAY_SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: options.gatewayLog ? 'info' : 'warn',
    ...options.gatewayEnv,
  };
  const gateway = await startGateway(loadConfig(gatewayEnv), {
    ...(options.gatewayLog ? { writeLog: options.gatewayLog } : {}),
    tracing: tracingOf('gateway'),
  });
  const query: TestStack['query'] = async (text, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        query: text,
        variables: options.variables ?? {},
        ...(options.operationName ? { operationName: options.operationName } : {}),
      }),
    });
    const body = await response.text();
    let parsed: testing.GraphQLResponse['body'] = {};
    try {
      parsed = JSON.parse(body) as testing.GraphQLResponse['body'];
    } catch {
      // leave empty: the test asserts on status/text
    }
    return { status: response.status, headers: response.headers, body: parsed, text: body };
  };
  const signIn: TestStack['signIn'] = async (email, password, mutation = 'signIn') => {
    const response = await query(
      `mutation ($input: SignInInput!) { ${mutation}(input: $input) { accessToken } }`,
      { variables: { input: { email, password } } },
    );
    const data = response.body.data as Record<string, { accessToken: string }> | null | undefined;
    const token = data?.[mutation]?.accessToken;
    if (!token) throw new Error(`sign-in failed: ${response.text}`);
    return token;
  };
  return {
    accounts,
    get billing() {
      return billing;
    },
    async restartBilling(whileDown) {
      const port = String(billing.port);
      await billing.close();
      await whileDown?.();
      billing = await startBilling(billingConfig(port), {
        onQuery: (sql) => billingQueries.push(sql),
        tracing: tracingOf('billing'),
      });
    },
    billingQueries,
    sales,
    salesQueries,
    documents,
    documentsFilesDir: documentsFiles,
    messaging,
    messagingEnv,
    gateway,
    gatewayEnv,
    query,
    signIn,
    async mintToken(principal, options = {}) {
      const issuer = await TokenIssuer.fromPem(accounts.signingKeyPem, {
        issuer: options.issuer ?? 'portico-accounts',
        audience: options.audience ?? 'portico',
        ttlSeconds: 900,
      });
      return (await issuer.issue(principal, options.ttlSeconds)).accessToken;
    },
    async issueInvoice(input) {
      const admin = await signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      const created = await query(
        'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }',
        {
          token: admin,
          variables: {
            input: {
              customerId: input.customerId,
              currency: input.currency,
              dueDate: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
              allowPartialPayment: input.allowPartialPayment ?? true,
              lines: [
                {
                  description: input.description ?? 'Widgets',
                  quantity: '1',
                  unitPrice: input.unitPrice,
                },
              ],
            },
          },
        },
      );
      const id = (created.body.data as { createInvoice?: { invoice: { id: string } } } | null)
        ?.createInvoice?.invoice.id;
      if (!id) throw new Error(`invoice not created: ${created.text}`);
      const issued = await query(
        'mutation ($id: ID!) { issueInvoice(input: { id: $id }) { invoice { id } } }',
        {
          token: admin,
          variables: { id },
        },
      );
      if (issued.body.errors) throw new Error(`invoice not issued: ${issued.text}`);
      return id;
    },
    async partnerToken(scopes, customerIds = null) {
      const admin = await signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      const created = await query(
        'mutation ($input: CreatePartnerClientInput!) { createPartnerClient(input: $input) { clientSecret client { id } } }',
        { token: admin, variables: { input: { name: 'Test partner', scopes, customerIds } } },
      );
      const payload = (
        created.body.data as {
          createPartnerClient?: { clientSecret: string; client: { id: string } };
        } | null
      )?.createPartnerClient;
      if (!payload) throw new Error(`partner client not created: ${created.text}`);
      const issued = await query(
        'mutation ($input: IssuePartnerTokenInput!) { issuePartnerToken(input: $input) { accessToken } }',
        {
          variables: { input: { clientId: payload.client.id, clientSecret: payload.clientSecret } },
        },
      );
      const token = (issued.body.data as { issuePartnerToken?: { accessToken: string } } | null)
        ?.issuePartnerToken?.accessToken;
      if (!token) throw new Error(`partner token not issued: ${issued.text}`);
      return token;
    },
    async stop() {
      await gateway.close();
      await messaging.close();
      await messagingDb.drop();
      await documents.close();
      await documentsDb.drop();
      rmSync(documentsFiles, { recursive: true, force: true });
      await sales.close();
      await salesDb.drop();
      await billing.close();
      await billingDb.drop();
      await accounts.stop();
    },
  };
}

export type { Principal };
