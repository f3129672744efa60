import {
  type GraphQLError,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';

/**
 * The operation's variables as execution will see them: the values sent,
 * coerced to their declared types, and the declared defaults for those not
 * sent. Every check that reads arguments before execution starts here; one
 * that read only the variables sent would miss `query($c: ID = "…")`.
 */
export type CoercedVariables =
  { ok: true; values: Record<string, unknown> } | { ok: false; errors: readonly GraphQLError[] };

export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown>,
): CoercedVariables {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, {
    maxErrors: 5,
  });
  return coerced.errors
    ? { ok: false, errors: coerced.errors }
    : { ok: true, values: coerced.coerced };
}

/**
 * A field's argument values as execution will pass them to its resolver:
 * literals, coerced variables, and the field's own argument defaults. Throws
 * when they cannot be evaluated (a missing required argument).
 */
export function fieldArgumentValues(
  definition: GraphQLField<unknown, unknown>,
  field: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  return getArgumentValues(definition, field, variables);
}
