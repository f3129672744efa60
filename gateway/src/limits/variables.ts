import {
  getOperationAST,
  isInputType,
  typeFromAST,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';

/**
 * Coerces the request's variables the way execution will, before the
 * operation is authorized: a missing or mistyped variable is the client's
 * error to fix, not a refusal ("Operation could not be authorized" hid it).
 * Returns graphql-js's messages (`Variable "$id" of required type "ID!" was
 * not provided.`), or null when the variables coerce or the operation is not
 * one this check can judge (left to Apollo Server's validation).
 */
export function variableErrors(
  schema: GraphQLSchema | undefined,
  document: DocumentNode,
  operationName: string | undefined,
  variables: unknown,
): string[] | null {
  if (!schema) return null;
  const definitions = getOperationAST(document, operationName)?.variableDefinitions ?? [];
  if (definitions.length === 0) return null;
  // An unknown variable type is a validation error, reported as such by Apollo Server.
  for (const definition of definitions) {
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) return null;
  }
  const inputs =
    variables && typeof variables === 'object' && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : {};
  const coerced = getVariableValues(schema, definitions, inputs, { maxErrors: 10 });
  return coerced.errors ? coerced.errors.map((error) => error.message) : null;
}
