import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isObjectType,
  type ASTNode,
  type DirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { getDirectiveValues } from 'graphql/execution/values';
import { codedError } from '../errors';
import type { BaseContext } from './context';
import { AUTHZ_DIRECTIVE_NAMES, evaluateRule, ruleFromDirective, type AuthRule } from './rules';

export interface SchemaRules {
  /**
   * The rules for reading `parent.fieldName`: the field's own, its parent
   * type's (for an abstract parent, every implementation's) and its return
   * type's. A rule on a type thereby protects that kind of data by whatever
   * path it is reached.
   */
  rulesForField(parent: GraphQLNamedType, fieldName: string): AuthRule[];
}

/**
 * Reads Portico's directives from a schema's AST nodes. The gateway reads the
 * core supergraph this way and every subgraph its own SDL, so the two walls
 * derive the same rules from the same declarations.
 */
export function readSchemaRules(schema: GraphQLSchema): SchemaRules {
  const cache = new Map<string, AuthRule[]>();
  const rulesOf = (node: { astNode?: ASTNode | null; extensionASTNodes?: readonly ASTNode[] }) => {
    const rules: AuthRule[] = [];
    for (const ast of [node.astNode, ...(node.extensionASTNodes ?? [])]) {
      const directives = (ast as { directives?: readonly DirectiveNode[] } | null | undefined)
        ?.directives;
      for (const directive of directives ?? []) {
        const name = directive.name.value;
        if (!(AUTHZ_DIRECTIVE_NAMES as readonly string[]).includes(name)) continue;
        const definition = schema.getDirective(name);
        if (!definition) throw new Error(`unknown directive @${name}`);
        const args = getDirectiveValues(definition, { directives: [directive] }) ?? {};
        rules.push(ruleFromDirective(name, args));
      }
    }
    return rules;
  };
  return {
    rulesForField(parent, fieldName) {
      const key = `${parent.name}.${fieldName}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const owners = isAbstractType(parent)
        ? [parent, ...schema.getPossibleTypes(parent)]
        : [parent];
      const rules: AuthRule[] = [];
      for (const owner of owners) {
        if (!('getFields' in owner)) continue;
        rules.push(...rulesOf(owner));
        const field = owner.getFields()[fieldName] as GraphQLField<unknown, unknown> | undefined;
        if (!field) continue;
        rules.push(...rulesOf(field));
        const returned = getNamedType(field.type);
        if (isObjectType(returned)) rules.push(...rulesOf(returned));
      }
      cache.set(key, rules);
      return rules;
    },
  };
}

/**
 * The subgraph's wall: wraps every field whose reading a rule governs (its
 * own directive, its type's or its return type's), so a subgraph enforces
 * exactly what its SDL declares, `_entities` paths included.
 */
export function enforceSchemaRules(schema: GraphQLSchema): void {
  const rules = readSchemaRules(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const fieldRules = rules.rulesForField(type, field.name);
      if (fieldRules.length === 0) continue;
      const check = (args: Record<string, unknown>, context: BaseContext) => {
        for (const rule of fieldRules) {
          const denial = evaluateRule(rule, context.principal, args);
          if (denial) throw codedError(denial.code, denial.message);
        }
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context: BaseContext, info) => {
        check(args, context);
        return resolve(source, args, context, info);
      };
      // A subscription is refused when it is made, not only at its first event.
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args: Record<string, unknown>, context: BaseContext, info) => {
          check(args, context);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
}
