import { ErrorCode } from '../errors';
import { isStaffRole, type Principal, type StaffRole } from './principal';

/**
 * Portico's authorization directives. One declaration in a subgraph puts the
 * directive in the SDL (so the gateway enforces it before any subgraph call)
 * and a middleware on the resolver (so the subgraph enforces it again).
 */
export const AUTHZ_SPEC_URL = 'https://portico.dev/authz/v1.0';

export const AUTHZ_DIRECTIVE_NAMES = ['signedIn', 'staff', 'scopes', 'customerScoped'] as const;
export type AuthzDirectiveName = (typeof AUTHZ_DIRECTIVE_NAMES)[number];

/** The definitions every subgraph prints; identical everywhere so composition merges them. */
export const AUTHZ_DIRECTIVES_SDL = `
"""Requires a signed-in principal (contact, staff or partner)."""
directive @signedIn on FIELD_DEFINITION | OBJECT
"""Staff only; with roles, one of them is required (admin passes every role check)."""
directive @staff(roles: [String!]! = []) on FIELD_DEFINITION | OBJECT
"""Partner tokens must carry every listed scope; contacts and staff are not scope-limited."""
directive @scopes(all: [String!]!) on FIELD_DEFINITION | OBJECT
"""The named argument holds customer ids that must belong to the principal: a contact's own customer, or a partner's allowed customers."""
directive @customerScoped(arg: String!) on FIELD_DEFINITION
`;

export type AuthRule =
  | { kind: 'signedIn' }
  | { kind: 'staff'; roles: readonly StaffRole[] }
  | { kind: 'scopes'; all: readonly string[] }
  | { kind: 'customerScoped'; arg: string };

export interface AuthDenial {
  code: typeof ErrorCode.Unauthenticated | typeof ErrorCode.Forbidden | typeof ErrorCode.NotFound;
  message: string;
}

const SIGN_IN_REQUIRED: AuthDenial = {
  code: ErrorCode.Unauthenticated,
  message: 'Sign-in required',
};

/** Same answer as an id that does not exist: a customer learns nothing about others. */
export const NOT_FOUND_DENIAL: AuthDenial = { code: ErrorCode.NotFound, message: 'Not found' };

export function ruleToDirectiveSdl(rule: AuthRule): string {
  switch (rule.kind) {
    case 'signedIn':
      return '@signedIn';
    case 'staff':
      return rule.roles.length === 0
        ? '@staff'
        : `@staff(roles: [${rule.roles.map((r) => JSON.stringify(r)).join(', ')}])`;
    case 'scopes':
      return `@scopes(all: [${rule.all.map((s) => JSON.stringify(s)).join(', ')}])`;
    case 'customerScoped':
      return `@customerScoped(arg: ${JSON.stringify(rule.arg)})`;
  }
}

/**
 * Turns a directive found in a schema (name + evaluated arguments) back into a
 * rule. Unknown shapes throw, and callers treat a throw as a refusal.
 */
export function ruleFromDirective(name: string, args: Record<string, unknown>): AuthRule {
  switch (name) {
    case 'signedIn':
      return { kind: 'signedIn' };
    case 'staff': {
      const roles = args.roles ?? [];
      if (!Array.isArray(roles) || !roles.every(isStaffRole)) {
        throw new Error(`@staff has unknown roles: ${JSON.stringify(roles)}`);
      }
      return { kind: 'staff', roles };
    }
    case 'scopes': {
      const all = args.all;
      if (!Array.isArray(all) || !all.every((s) => typeof s === 'string')) {
        throw new Error('@scopes needs a list of scopes');
      }
      return { kind: 'scopes', all: all as string[] };
    }
    case 'customerScoped': {
      if (typeof args.arg !== 'string') throw new Error('@customerScoped needs an argument name');
      return { kind: 'customerScoped', arg: args.arg };
    }
    default:
      throw new Error(`unknown authorization directive @${name}`);
  }
}

function customerIdsOf(value: unknown): string[] | null {
  const one = (v: unknown): string | null =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : null;
  if (Array.isArray(value)) {
    const ids = value.map(one);
    return ids.every((id): id is string => id !== null) ? ids : null;
  }
  const id = one(value);
  return id === null ? null : [id];
}

/**
 * Decides one rule for one principal. `args` are the field's argument values
 * with variables already substituted. Returns null when allowed.
 */
export function evaluateRule(
  rule: AuthRule,
  principal: Principal,
  args: Record<string, unknown> = {},
): AuthDenial | null {
  // Scopes limit partners and say nothing of people: on a type they protect a
  // kind of data from partners without refusing the anonymous the viewer a
  // sign-in answers with. A field that needs a signed-in caller says @signedIn.
  if (principal.kind === 'anonymous') return rule.kind === 'scopes' ? null : SIGN_IN_REQUIRED;
  switch (rule.kind) {
    case 'signedIn':
      return null;
    case 'staff': {
      if (principal.kind !== 'staff') {
        return { code: ErrorCode.Forbidden, message: 'Staff only' };
      }
      if (rule.roles.length === 0 || principal.roles.includes('admin')) return null;
      return rule.roles.some((role) => principal.roles.includes(role))
        ? null
        : { code: ErrorCode.Forbidden, message: `Requires role: ${rule.roles.join(' or ')}` };
    }
    case 'scopes': {
      if (principal.kind !== 'partner') return null;
      const missing = rule.all.filter((scope) => !principal.scopes.includes(scope));
      return missing.length === 0
        ? null
        : { code: ErrorCode.Forbidden, message: `Missing scope: ${missing.join(', ')}` };
    }
    case 'customerScoped': {
      const value = args[rule.arg];
      // An omitted optional argument means "within my own scope"; the
      // subgraph's row-level filter then decides which rows come back.
      if (value === undefined || value === null) return null;
      const ids = customerIdsOf(value);
      if (ids === null) return NOT_FOUND_DENIAL;
      if (principal.kind === 'staff') return null;
      if (principal.kind === 'contact') {
        return ids.every((id) => id === principal.customerId) ? null : NOT_FOUND_DENIAL;
      }
      if (principal.customerIds === null) return null;
      const allowed = principal.customerIds;
      return ids.every((id) => allowed.includes(id)) ? null : NOT_FOUND_DENIAL;
    }
  }
}
