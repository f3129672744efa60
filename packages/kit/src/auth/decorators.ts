import { Directive, UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { codedError } from '../errors';
import type { BaseContext } from './context';
import type { StaffRole } from './principal';
import { evaluateRule, ruleToDirectiveSdl, type AuthRule } from './rules';

type FieldDecorator = MethodDecorator & PropertyDecorator;

function enforce(rule: AuthRule): MiddlewareFn<BaseContext> {
  return ({ context, args }, next) => {
    const denial = evaluateRule(rule, context.principal, args as Record<string, unknown>);
    if (denial) throw codedError(denial.code, denial.message);
    return next();
  };
}

/**
 * One declaration, two walls: the directive goes into the printed SDL for the
 * gateway, the middleware enforces the same rule inside the subgraph.
 */
function authorize(rule: AuthRule): FieldDecorator {
  const directive = Directive(ruleToDirectiveSdl(rule));
  const middleware = UseMiddleware(enforce(rule));
  return ((target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    (directive as (t: object, k: string | symbol, d?: PropertyDescriptor) => void)(
      target,
      key,
      descriptor,
    );
    (middleware as (t: object, k: string | symbol, d?: PropertyDescriptor) => void)(
      target,
      key,
      descriptor,
    );
  }) as FieldDecorator;
}

/** Any signed-in principal. */
export function SignedIn(): FieldDecorator {
  return authorize({ kind: 'signedIn' });
}

/** Staff only; with roles, one of them (admin passes every role check). */
export function StaffOnly(...roles: StaffRole[]): FieldDecorator {
  return authorize({ kind: 'staff', roles });
}

/** Partner tokens need every scope listed; first-party principals are not scope-limited. */
export function RequireScopes(...all: string[]): FieldDecorator {
  return authorize({ kind: 'scopes', all });
}

/** The argument `arg` holds customer id(s) that must be the principal's own. */
export function CustomerScoped(arg: string): FieldDecorator {
  return authorize({ kind: 'customerScoped', arg });
}
