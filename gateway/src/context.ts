import type { Principal } from '@portico/kit';

/** One subgraph call made for a client request, for the request's log line. */
export interface SubgraphCall {
  subgraph: string;
  ms: number;
}

/**
 * What a request's log line reports, filled in as the request runs. Shared by
 * reference: Apollo Server hands resolvers and plugins a shallow copy of the
 * context, so only what hangs off it is seen by the server after execution.
 */
export interface RequestTrace {
  /** The operation's name as Apollo Server resolved it. */
  operationName?: string;
  subgraphCalls: SubgraphCall[];
  /** The codes of the errors answered. */
  errorCodes: string[];
  /** Set once the document parsed: the name of the operation it runs (null: unnamed). */
  parsedOperation?: { name: string | null; type?: string };
  /** Handed to execution (Apollo, or the gateway's own subscriptions), not refused before. */
  executed?: boolean;
}

export interface GatewayContext {
  principal: Principal;
  requestId: string;
  clientAddress: string;
  trace?: RequestTrace;
}
