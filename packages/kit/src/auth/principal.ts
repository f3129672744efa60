/** Staff roles. `admin` passes every staff role check. */
export const STAFF_ROLES = ['admin', 'accountant', 'sales', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface AnonymousPrincipal {
  kind: 'anonymous';
}

/** A person of one customer, signed in to the portal: sees only that customer's data. */
export interface ContactPrincipal {
  kind: 'contact';
  contactId: string;
  customerId: string;
  /** The sign-in session the access token belongs to; revoking it ends the token. */
  sessionId?: string;
}

export interface StaffPrincipal {
  kind: 'staff';
  staffUserId: string;
  roles: StaffRole[];
  sessionId?: string;
}

/** An API client; `customerIds` null means "every customer", a list limits it. */
export interface PartnerPrincipal {
  kind: 'partner';
  clientId: string;
  scopes: string[];
  customerIds: string[] | null;
  /**
   * Which of the client's secrets the token was issued with (1 for the
   * first, one more per rotation). A rotation may end the tokens of older
   * generations; a token without one counts as generation 1.
   */
  secretGeneration?: number;
}

export type Principal = AnonymousPrincipal | ContactPrincipal | StaffPrincipal | PartnerPrincipal;

export const ANONYMOUS: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** The customer ids a principal may read, or null for "all of them". */
export function visibleCustomerIds(principal: Principal): string[] | null {
  switch (principal.kind) {
    case 'anonymous':
      return [];
    case 'contact':
      return [principal.customerId];
    case 'staff':
      return null;
    case 'partner':
      return principal.customerIds;
  }
}

export function canSeeCustomer(principal: Principal, customerId: string): boolean {
  const visible = visibleCustomerIds(principal);
  return visible === null || visible.includes(customerId);
}

/**
 * Checks an untrusted value (decoded claims) and returns a principal, or null
 * when the shape is wrong. Used on both sides of the gateway → subgraph hop.
 */
export function parsePrincipal(value: unknown): Principal | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
  const isStrList = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
  const optionalStr = (x: unknown) => x === undefined || isStr(x);
  const optionalGeneration = (x: unknown) =>
    x === undefined || (typeof x === 'number' && Number.isSafeInteger(x) && x >= 1);
  switch (v.kind) {
    case 'anonymous':
      return ANONYMOUS;
    case 'contact':
      return isStr(v.contactId) && isStr(v.customerId) && optionalStr(v.sessionId)
        ? {
            kind: 'contact',
            contactId: v.contactId,
            customerId: v.customerId,
            ...(isStr(v.sessionId) ? { sessionId: v.sessionId } : {}),
          }
        : null;
    case 'staff':
      return isStr(v.staffUserId) &&
        Array.isArray(v.roles) &&
        v.roles.every(isStaffRole) &&
        optionalStr(v.sessionId)
        ? {
            kind: 'staff',
            staffUserId: v.staffUserId,
            roles: [...v.roles],
            ...(isStr(v.sessionId) ? { sessionId: v.sessionId } : {}),
          }
        : null;
    case 'partner':
      return isStr(v.clientId) &&
        isStrList(v.scopes) &&
        (v.customerIds === null || isStrList(v.customerIds)) &&
        optionalGeneration(v.secretGeneration)
        ? {
            kind: 'partner',
            clientId: v.clientId,
            scopes: [...v.scopes],
            customerIds: v.customerIds === null ? null : [...v.customerIds],
            ...(v.secretGeneration !== undefined
              ? { secretGeneration: v.secretGeneration as number }
              : {}),
          }
        : null;
    default:
      return null;
  }
}

/**
 * How the revocation log names what a token hangs on. accounts writes these
 * names when it revokes; the gateway matches them against what it remembers.
 */
export const revocationSubject = {
  session: (sessionId: string) => `session:${sessionId}`,
  person: (kind: 'contact' | 'staff', id: string) => `${kind}:${id}`,
  partner: (clientId: string) => `partner:${clientId}`,
};

/** Every revocation subject that ends this principal's token: its person and session, or its partner client. */
export function revocationSubjectsOf(principal: Principal): string[] {
  switch (principal.kind) {
    case 'contact':
    case 'staff': {
      const id = principal.kind === 'contact' ? principal.contactId : principal.staffUserId;
      const subjects = [revocationSubject.person(principal.kind, id)];
      if (principal.sessionId) subjects.push(revocationSubject.session(principal.sessionId));
      return subjects;
    }
    case 'partner':
      return [revocationSubject.partner(principal.clientId)];
    default:
      return [];
  }
}
