import {
  buildASTSchema,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type OperationDefinitionNode,
} from 'graphql';
import {
  AUTHZ_DIRECTIVE_NAMES,
  ErrorCode,
  evaluateRule,
  readSchemaRules,
  type AuthDenial,
  type AuthRule,
  type Principal,
} from '@portico/kit';
import { coerceVariables, fieldArgumentValues } from './argument-values';

/** Worst first: an unauthenticated caller learns nothing about what else it asked for. */
const SEVERITY: Record<AuthDenial['code'], number> = {
  UNAUTHENTICATED: 3,
  FORBIDDEN: 2,
  NOT_FOUND: 1,
};

const FAIL_CLOSED: AuthDenial = {
  code: ErrorCode.Forbidden,
  message: 'Operation could not be authorized',
};

/** A refusal, or variables that execution would refuse too (BAD_USER_INPUT, its message). */
export type OperationDenial = AuthDenial | { code: typeof ErrorCode.BadUserInput; message: string };

export interface OperationAuthorizer {
  /** Null when every field of the selected operation is allowed for the principal. */
  authorize(input: {
    document: DocumentNode;
    operationName?: string | null;
    variables?: Record<string, unknown>;
    principal: Principal;
  }): OperationDenial | null;
}

/**
 * Reads Portico's directives from the core supergraph SDL (the only place
 * composed directives survive) and checks an operation against them before any
 * subgraph is called: every field the operation can reach, through named and
 * inline fragments, with arguments evaluated as execution will evaluate them
 * (variables coerced, their defaults and the arguments' defaults applied).
 * Anything that cannot be evaluated is refused.
 */
export function createOperationAuthorizer(coreSupergraphSdl: string): OperationAuthorizer {
  const schema = buildASTSchema(parse(coreSupergraphSdl), { assumeValidSDL: true });
  for (const name of AUTHZ_DIRECTIVE_NAMES) {
    if (!schema.getDirective(name)) {
      throw new Error(`supergraph lacks the @${name} directive definition`);
    }
  }
  // The same reading of the directives as every subgraph's own wall.
  const { rulesForField } = readSchemaRules(schema);

  /** The fields of one operation that carry rules, found once per document (fail-closed marker when one cannot be typed). */
  interface Check {
    rules: AuthRule[];
    definition: GraphQLField<unknown, unknown>;
    field: FieldNode;
  }
  interface Plan {
    operation: OperationDefinitionNode;
    checks: Check[];
  }
  const plan = (document: DocumentNode, operationName?: string | null): Plan | null => {
    const operation = selectOperation(document, operationName);
    if (!operation) return null;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const checks: Check[] = [];
    let typed = true;
    for (const node of reachableDefinitions(operation, fragments)) {
      const typeInfo = new TypeInfo(schema);
      visit(
        node,
        visitWithTypeInfo(typeInfo, {
          Field(field: FieldNode) {
            if (field.name.value.startsWith('__')) return;
            const parent = typeInfo.getParentType();
            const definition = typeInfo.getFieldDef();
            if (!parent || !definition) {
              typed = false;
              return;
            }
            const rules = rulesForField(parent, field.name.value);
            if (rules.length > 0) checks.push({ rules, definition, field });
          },
        }),
      );
    }
    return typed ? { operation, checks } : null;
  };
  // Apollo Server hands the same DocumentNode for the same query text (its
  // document store), so a document is walked once, not on every request.
  const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();
  const planFor = (document: DocumentNode, operationName?: string | null) => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    if (!byName.has(key)) byName.set(key, plan(document, operationName));
    return byName.get(key) ?? null;
  };

  return {
    authorize({ document, operationName, variables = {}, principal }) {
      try {
        const planned = planFor(document, operationName);
        if (!planned) return FAIL_CLOSED;
        const { operation, checks } = planned;
        if (checks.length === 0) return null;
        const coerced = coerceVariables(schema, operation, variables);
        if (!coerced.ok) {
          return {
            code: ErrorCode.BadUserInput,
            message: coerced.errors[0]?.message ?? 'Variables are not valid',
          };
        }
        let worst: AuthDenial | null = null;
        for (const { rules, definition, field } of checks) {
          const args = fieldArgumentValues(definition, field, coerced.values);
          for (const rule of rules) {
            const denial = evaluateRule(rule, principal, args);
            if (denial && (!worst || SEVERITY[denial.code] > SEVERITY[worst.code])) worst = denial;
          }
        }
        return worst;
      } catch {
        return FAIL_CLOSED;
      }
    },
  };
}

function selectOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((op) => op.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** The operation plus every fragment it reaches, transitively. */
function reachableDefinitions(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): Array<OperationDefinitionNode | FragmentDefinitionNode> {
  const result: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  const seen = new Set<string>();
  for (let i = 0; i < result.length; i += 1) {
    visit(result[i] as ASTNode, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (seen.has(name)) return;
        seen.add(name);
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`unknown fragment ${name}`);
        result.push(fragment);
      },
    });
  }
  return result;
}
