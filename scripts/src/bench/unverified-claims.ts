import { decodeJwt } from 'jose';
import { ANONYMOUS, encodeClaims, principalFromAccessTokenClaims } from '@portico/kit';

/**
 * The claims header Portico's subgraphs require, built from a bearer token
 * decoded WITHOUT verifying it: what the stock and Hive gateways of the
 * benchmark add to be able to call the subgraphs at all. Never for serving.
 */
export function unverifiedClaims(authorization: string | null | undefined, secret: string): string {
  const token = (authorization ?? '').replace(/^Bearer /, '');
  const principal = token ? principalFromAccessTokenClaims(decodeJwt(token)) : null;
  return encodeClaims(principal ?? ANONYMOUS, secret);
}
