import { isStaffRole, type Principal } from './principal';

/**
 * The claims of a Portico access token, shared by the issuer (accounts) and
 * the verifier (gateway) so the two cannot drift apart.
 *   sub   "<kind>:<id>"
 *   pk    principal kind
 *   cus   contact: customer id; partner: allowed customer ids or null
 *   roles staff roles
 *   scope partner scopes, space-separated (RFC 8693 style)
 *   sid   contact/staff: the sign-in session, checked for revocation per request
 *   gen   partner: the generation of the client secret the token was issued with
 */
export type SignedInPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

export function accessTokenClaimsFor(principal: SignedInPrincipal): {
  subject: string;
  claims: Record<string, unknown>;
} {
  switch (principal.kind) {
    case 'contact':
      return {
        subject: `contact:${principal.contactId}`,
        claims: {
          pk: 'contact',
          cus: principal.customerId,
          ...(principal.sessionId ? { sid: principal.sessionId } : {}),
        },
      };
    case 'staff':
      return {
        subject: `staff:${principal.staffUserId}`,
        claims: {
          pk: 'staff',
          roles: principal.roles,
          ...(principal.sessionId ? { sid: principal.sessionId } : {}),
        },
      };
    case 'partner':
      return {
        subject: `partner:${principal.clientId}`,
        claims: {
          pk: 'partner',
          scope: principal.scopes.join(' '),
          cus: principal.customerIds,
          ...(principal.secretGeneration !== undefined ? { gen: principal.secretGeneration } : {}),
        },
      };
  }
}

/** Builds the principal from verified token claims; null when they do not fit. */
export function principalFromAccessTokenClaims(
  payload: Record<string, unknown>,
): SignedInPrincipal | null {
  const sub = typeof payload.sub === 'string' ? payload.sub : '';
  const separator = sub.indexOf(':');
  if (separator <= 0) return null;
  const kind = sub.slice(0, separator);
  const id = sub.slice(separator + 1);
  if (!id || payload.pk !== kind) return null;
  const sid = payload.sid;
  if (sid !== undefined && (typeof sid !== 'string' || !sid)) return null;
  const session = typeof sid === 'string' ? { sessionId: sid } : {};
  switch (kind) {
    case 'contact':
      return typeof payload.cus === 'string' && payload.cus
        ? { kind: 'contact', contactId: id, customerId: payload.cus, ...session }
        : null;
    case 'staff':
      return Array.isArray(payload.roles) && payload.roles.every(isStaffRole)
        ? { kind: 'staff', staffUserId: id, roles: [...payload.roles], ...session }
        : null;
    case 'partner': {
      const cus = payload.cus;
      const customerIds =
        cus === null || cus === undefined
          ? null
          : Array.isArray(cus) && cus.every((c) => typeof c === 'string')
            ? (cus as string[])
            : undefined;
      if (customerIds === undefined || typeof payload.scope !== 'string') return null;
      const gen = payload.gen;
      if (
        gen !== undefined &&
        !(typeof gen === 'number' && Number.isSafeInteger(gen) && gen >= 1)
      ) {
        return null;
      }
      return {
        kind: 'partner',
        clientId: id,
        scopes: payload.scope.split(' ').filter(Boolean),
        customerIds,
        ...(gen !== undefined ? { secretGeneration: gen } : {}),
      };
    }
    default:
      return null;
  }
}
