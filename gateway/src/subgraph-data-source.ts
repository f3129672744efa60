import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CLAIMS_HEADER, codedError, encodeClaims, ErrorCode } from '@portico/kit';
import type { GatewayContext } from './context';

type Fetcher = NonNullable<
  NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']
>;

/**
 * Node's built-in fetch (undici) with a deadline. The stock make-fetch-happen
 * client has no timeout and no retry, so a hung subgraph held the client until
 * it gave up. Undici reuses a socket only within the Keep-Alive timeout the
 * subgraph advertises, less a safety margin, so it does not race the
 * subgraph's idle close (subgraph keep-alive 2 s, requests 1.95–2.01 s apart:
 * 8 of 8 reused sockets answered). Failures become coded errors that name the
 * service, not its host or port.
 */
export function createSubgraphFetcher(serviceName: string, timeoutMs: number): Fetcher {
  return (async (url: string, init?: RequestInit) => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = (error as { name?: string }).name === 'TimeoutError';
      throw timedOut
        ? codedError(
            ErrorCode.SubgraphTimeout,
            `The ${serviceName} service did not answer within ${timeoutMs} ms`,
          )
        : codedError(ErrorCode.ServiceUnavailable, `The ${serviceName} service is unavailable`);
    }
  }) as unknown as Fetcher;
}

/** Adds the gateway-signed claims every subgraph requires. */
export class SignedClaimsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(options: { name: string; url: string; claimsSecret: string; timeoutMs: number }) {
    super({ url: options.url, fetcher: createSubgraphFetcher(options.name, options.timeoutMs) });
    this.claimsSecret = options.claimsSecret;
  }

  private claimsSecret: string;

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and other gateway-internal calls carry no request context:
    // they go out as anonymous, which a subgraph treats as "no data".
    const principal = context?.principal ?? { kind: 'anonymous' as const };
    request.http?.headers.set(
      CLAIMS_HEADER,
      encodeClaims(principal, this.claimsSecret, {
        requestId: context?.requestId,
        clientAddress: context?.clientAddress,
      }),
    );
  }
}
