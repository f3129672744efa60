import { Directive } from 'type-graphql';
import type { StaffRole } from './principal';
import { ruleToDirectiveSdl, type AuthRule } from './rules';

type FieldOrTypeDecorator = MethodDecorator & PropertyDecorator & ClassDecorator;

/**
 * One declaration, two walls: the directive goes into the printed SDL, where
 * the gateway enforces it before any subgraph call, and `buildFederatedSchema`
 * enforces every such directive of the SDL again inside the subgraph. On a
 * field it governs that field; on an object type, every field of the type and
 * every field that returns it.
 */
function authorize(rule: AuthRule): FieldOrTypeDecorator {
  return Directive(ruleToDirectiveSdl(rule)) as FieldOrTypeDecorator;
}

/** Any signed-in principal. */
export function SignedIn(): FieldOrTypeDecorator {
  return authorize({ kind: 'signedIn' });
}

/** Staff only; with roles, one of them (admin passes every role check). */
export function StaffOnly(...roles: StaffRole[]): FieldOrTypeDecorator {
  return authorize({ kind: 'staff', roles });
}

/**
 * Partner tokens need every scope listed; first-party principals are not
 * scope-limited. On a type, the scope protects that kind of data wherever it
 * is reached.
 */
export function RequireScopes(...all: string[]): FieldOrTypeDecorator {
  return authorize({ kind: 'scopes', all });
}

/** The argument `arg` holds customer id(s) that must be the principal's own. */
export function CustomerScoped(arg: string): MethodDecorator & PropertyDecorator {
  return authorize({ kind: 'customerScoped', arg });
}
