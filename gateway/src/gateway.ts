import { readFileSync } from 'node:fs';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  maskedErrorLogPlugin,
  maskError,
  TRACING_OFF,
  type Logger,
  type ServiceMetrics,
  type Tracing,
} from '@portico/kit';
import { authorizationPlugin } from './auth/authorization-plugin';
import { createPrincipalStatus, type PrincipalStatus } from './auth/principal-status';
import { createOperationAuthorizer, type OperationAuthorizer } from './auth/operation-authorizer';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { SignedClaimsDataSource } from './subgraph-data-source';
import { SubgraphPool } from './subgraph-pool';
import { suggestionsPlugin } from './limits/suggestions-plugin';
import { responseErrorsPlugin } from './response-errors-plugin';
import { SubscriptionPlanner } from './subscriptions/subscription-planner';
import type { GraphQLSchema } from 'graphql';

export interface PorticoGateway {
  apollo: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  /** Subgraph name → its instances, as the gateway calls them. */
  subgraphPools: Map<string, SubgraphPool>;
  /** The client-facing schema once loaded (document cost needs field types). */
  apiSchema(): GraphQLSchema | undefined;
  principalStatus: PrincipalStatus;
  /** The directive checker once the supergraph is loaded. */
  authorizer(): OperationAuthorizer | undefined;
  /** Why the supergraph's directives could not be read, if they could not. */
  authorizerError(): Error | undefined;
  /** The data source per subgraph name that @apollo/gateway built (signed claims, timeouts). */
  dataSources: Map<string, GraphQLDataSource<GatewayContext>>;
  /** Plans subscriptions on the loaded supergraph (the gateway's executor cannot run them). */
  subscriptionPlanner(): SubscriptionPlanner | undefined;
}

/** Apollo Server 5 + @apollo/gateway on the checked-in supergraph, with Portico's authorization. */
export function createGateway(
  config: GatewayConfig,
  logger: Logger,
  metrics?: ServiceMetrics,
  tracing: Tracing = TRACING_OFF,
): PorticoGateway {
  const subgraphSeconds = metrics?.histogram<'subgraph' | 'outcome'>({
    name: 'portico_subgraph_request_duration_seconds',
    help: 'Calls from the gateway to each subgraph, by subgraph and outcome (error: unreachable, timed out or answered with errors).',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  if (config.telemetryDisabled) {
    // @apollo/gateway ≥ 2.14 reads this variable itself when constructed, so
    // the setting from loadConfig is handed over through the environment.
    // eslint-disable-next-line no-restricted-properties
    process.env.APOLLO_TELEMETRY_DISABLED = '1';
  }
  const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  const subgraphPools = new Map<string, SubgraphPool>();
  const dataSources = new Map<string, GraphQLDataSource<GatewayContext>>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const targets = config.subgraphUrls[name] ?? (url ? [url] : []);
      if (targets.length === 0) throw new Error(`no routing URL for subgraph ${name}`);
      const pool = new SubgraphPool(name, targets, { logger });
      subgraphPools.set(name, pool);
      const dataSource = new SignedClaimsDataSource({
        name,
        pool,
        claimsSecret: config.auth.claimsSecret,
        timeoutMs: config.subgraphTimeoutMs,
        tracing,
        onCall: (subgraph, seconds, outcome) =>
          subgraphSeconds?.observe({ subgraph, outcome }, seconds),
      });
      dataSources.set(name, dataSource);
      return dataSource;
    },
  });
  let authorizer: OperationAuthorizer | undefined;
  let authorizerError: Error | undefined;
  let apiSchema: GraphQLSchema | undefined;
  let subscriptionPlanner: SubscriptionPlanner | undefined;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema: loaded }) => {
    try {
      subscriptionPlanner = new SubscriptionPlanner(coreSupergraphSdl, loaded);
    } catch (error) {
      subscriptionPlanner = undefined;
      logger.error('subscriptions cannot be planned on this supergraph', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    // A supergraph without Portico's directive definitions would leave every
    // request refused; the error is kept so the start can fail with it.
    try {
      authorizer = createOperationAuthorizer(coreSupergraphSdl);
      authorizerError = undefined;
    } catch (error) {
      authorizerError = error instanceof Error ? error : new Error(String(error));
    }
    apiSchema = loaded;
  });
  const principalStatus = createPrincipalStatus({
    url: config.auth.principalStatusUrl,
    revocationsUrl: config.auth.revocationsUrl,
    claimsSecret: config.auth.claimsSecret,
    timeoutMs: config.subgraphTimeoutMs,
    rememberMs: config.auth.principalStatusRememberMs,
  });
  const apollo = new ApolloServer<GatewayContext>({
    // The process's own shutdown stops the server (draining HTTP first). Apollo's
    // signal handlers would stop it a second time, and that second stop() never
    // returns: the process then hangs on SIGTERM instead of exiting.
    stopOnTerminationSignals: false,
    gateway,
    formatError: maskError,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    plugins: [
      authorizationPlugin(() => authorizer, principalStatus.check),
      suggestionsPlugin(config.limits.suggestionsFor),
      responseErrorsPlugin(logger),
      maskedErrorLogPlugin<GatewayContext>(logger),
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  return {
    apollo,
    gateway,
    subgraphPools,
    apiSchema: () => apiSchema,
    principalStatus,
    authorizer: () => authorizer,
    authorizerError: () => authorizerError,
    dataSources,
    subscriptionPlanner: () => subscriptionPlanner,
  };
}
