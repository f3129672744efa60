import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import {
  QueryPlanner,
  type FetchNode,
  type PlanNode,
  type SubscriptionNode,
} from '@apollo/query-planner';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';

/** What `executeQueryPlan` reads the client's operation from (not exported by name). */
export type OperationContext = ReturnType<typeof buildOperationContext>;

/** A subscription split by the query planner: what the owning subgraph streams, and what the rest of each event needs. */
export interface PlannedSubscription {
  /** The subscription operation sent to the owning subgraph. */
  primary: FetchNode;
  /** Fetches for fields other subgraphs contribute to each event, run per event. */
  rest?: PlanNode;
  operationContext: OperationContext;
}

/**
 * Plans subscriptions on the same core supergraph SDL that @apollo/gateway
 * loaded (its executor plans queries and mutations but refuses to execute a
 * subscription plan). Plans are kept per document and operation name, like
 * the gateway's own plan cache.
 */
export class SubscriptionPlanner {
  /** The supergraph as graphql-js sees it: what `executeQueryPlan` reads types from. */
  readonly supergraphSchema: GraphQLSchema;
  /** The client-facing schema as the federation internals see it. */
  readonly federationApiSchema: Schema;
  private readonly planner: QueryPlanner;
  private readonly plans = new WeakMap<DocumentNode, Map<string, PlannedSubscription>>();

  /**
   * @param coreSupergraphSdl what `onSchemaLoadOrUpdate` handed over
   * @param apiSchema the gateway's client-facing schema (operations are read against it)
   */
  constructor(
    coreSupergraphSdl: string,
    private readonly apiSchema: GraphQLSchema,
  ) {
    const supergraph = Supergraph.build(coreSupergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.federationApiSchema = supergraph.apiSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** Throws a GraphQLError when the operation is not a subscription the supergraph can plan. */
  plan(document: DocumentNode, operationName: string | undefined): PlannedSubscription {
    let byName = this.plans.get(document);
    if (!byName) this.plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    const cached = byName.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.federationApiSchema, document, {
      operationName,
    });
    const plan = this.planner.buildQueryPlan(operation);
    const node = plan.node;
    if (node?.kind !== 'Subscription') {
      throw new GraphQLError('Only subscription operations are served here', {
        extensions: { code: 'BAD_REQUEST' },
      });
    }
    const { primary, rest } = node as SubscriptionNode;
    const planned: PlannedSubscription = {
      primary,
      rest,
      operationContext: buildOperationContext({
        schema: this.apiSchema,
        operationDocument: document,
        operationName,
      }),
    };
    byName.set(key, planned);
    return planned;
  }
}
