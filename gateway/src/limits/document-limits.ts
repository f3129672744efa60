import {
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  parse,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { coerceVariables, fieldArgumentValues } from '../auth/argument-values';
import { ErrorCode } from '@portico/kit';

/** Limits for one class of principal; partners get stricter ones than first-party apps. */
export interface DocumentLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  cost: number;
  /** Assumed length of a list field without a `first`/`last` argument, for cost. */
  defaultListSize: number;
  /**
   * The largest page any list field serves (Portico's lists take 1 to 100).
   * A larger `first` is priced at this size and left to the subgraph, whose
   * "first must be between 1 and 100" says what is wrong; a cost refusal did not.
   */
  maxPageSize: number;
}

export interface LimitViolation {
  code: ErrorCode;
  limit: number;
  message: string;
}

export interface DocumentMeasure {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
}

/**
 * Documents that parsed within a token cap, by cap and text. Clients send the
 * same few operations over and over; parsing each request again was work on
 * the hot path (Apollo Server keeps its own parse cache for execution).
 */
const parsedDocuments = new Map<string, DocumentNode>();
const MAX_PARSED_DOCUMENTS = 1_000;
/** Longer texts (a body can be 256 KiB of comments) are parsed each time rather than kept. */
const MAX_CACHED_QUERY_LENGTH = 16 * 1024;

function rememberDocument(key: string, document: DocumentNode): void {
  if (parsedDocuments.size >= MAX_PARSED_DOCUMENTS) {
    const oldest = parsedDocuments.keys().next().value;
    if (oldest !== undefined) parsedDocuments.delete(oldest);
  }
  parsedDocuments.set(key, document);
}

/**
 * Parses with a token cap (so an oversized document stops early), then
 * measures the selected operation. Returns the first limit it exceeds, the
 * parsed document otherwise. Syntax errors are left to Apollo Server.
 */
export function checkDocumentLimits(
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  limits: DocumentLimits,
  schema: GraphQLSchema | undefined,
): { violation: LimitViolation } | { document: DocumentNode | null } {
  const cacheKey = `${limits.tokens}\n${query}`;
  let document = parsedDocuments.get(cacheKey);
  if (!document) {
    try {
      document = parse(query, { maxTokens: limits.tokens, noLocation: true });
    } catch (error) {
      // graphql-js 16 words it "contains more that N tokens"; match both spellings.
      if (/more th(?:an|at) \d+ tokens/.test((error as Error).message)) {
        return {
          violation: {
            code: ErrorCode.TokenLimitExceeded,
            limit: limits.tokens,
            message: `Document has more than ${limits.tokens} tokens`,
          },
        };
      }
      return { document: null };
    }
    if (query.length <= MAX_CACHED_QUERY_LENGTH) rememberDocument(cacheKey, document);
  }
  const measure = measureDocument(
    document,
    operationName,
    schema,
    limits.defaultListSize,
    variables,
    limits.maxPageSize,
  );
  const checks: Array<[keyof DocumentMeasure, ErrorCode, string]> = [
    ['depth', ErrorCode.DepthLimitExceeded, 'Query is nested deeper than'],
    ['aliases', ErrorCode.AliasLimitExceeded, 'Query uses more aliases than'],
    ['directives', ErrorCode.DirectiveLimitExceeded, 'Query uses more directives than'],
    ['cost', ErrorCode.CostLimitExceeded, 'Query costs more than'],
  ];
  for (const [key, code, text] of checks) {
    if (measure[key] > limits[key]) {
      return { violation: { code, limit: limits[key], message: `${text} ${limits[key]}` } };
    }
  }
  return { document };
}

/**
 * Depth, aliases and cost of the operation that would run (fragments
 * followed, a fragment cycle counted once); directives over the whole document.
 * Cost: every field costs 1; a list field multiplies its selection's cost by
 * its `first`/`last`/`limit` argument (as execution reads it: variables'
 * and arguments' defaults included), or by `defaultListSize`.
 */
export function measureDocument(
  document: DocumentNode,
  operationName: string | undefined,
  schema: GraphQLSchema | undefined,
  defaultListSize: number,
  variables: Record<string, unknown> = {},
  maxPageSize = Number.MAX_SAFE_INTEGER,
): DocumentMeasure {
  let directives = 0;
  visit(document, {
    Directive() {
      directives += 1;
    },
  });
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
  }
  const selected =
    operations.find((op) => op.name?.value === operationName) ??
    (operations.length === 1 ? operations[0] : undefined);
  // No operation to pick: measure all of them; Apollo will refuse the request anyway.
  const targets = selected ? [selected] : operations;

  let aliases = 0;
  let depth = 0;
  let cost = 0;
  for (const operation of targets) {
    const rootType =
      operation.operation === 'mutation'
        ? schema?.getMutationType()
        : operation.operation === 'subscription'
          ? schema?.getSubscriptionType()
          : schema?.getQueryType();
    // Page sizes as execution will read them: variables coerced, with their
    // defaults and the arguments' own defaults (`first: Int! = 20`).
    const coerced = schema ? coerceVariables(schema, operation, variables) : null;
    const variableValues = coerced?.ok ? coerced.values : variables;
    const walk = (
      selectionSet: SelectionSetNode,
      parentType: FieldOwner,
      level: number,
      seen: Set<string>,
      pageSize: number | null,
    ): number => {
      depth = Math.max(depth, level);
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          total += fieldCost(selection, parentType, level, seen, pageSize);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const typeName = selection.typeCondition?.name.value;
          const type = typeName && schema ? schema.getType(typeName) : parentType;
          total += walk(selection.selectionSet, type as FieldOwner, level, seen, pageSize);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          const type = schema?.getType(fragment.typeCondition.name.value);
          total += walk(
            fragment.selectionSet,
            type as FieldOwner,
            level,
            new Set([...seen, name]),
            pageSize,
          );
        }
      }
      return total;
    };
    const fieldCost = (
      field: FieldNode,
      parentType: FieldOwner,
      level: number,
      seen: Set<string>,
      pageSize: number | null,
    ): number => {
      if (field.alias) aliases += 1;
      if (!field.selectionSet) return 1;
      const definition = fieldDefinition(parentType, field.name.value);
      const childType = definition ? getNamedType(definition.type) : undefined;
      const requested = pageSizeArgument(field, definition, variableValues, maxPageSize);
      // `__Type.ofType` unwraps a list or non-null wrapper: a chain of them
      // ends after as many steps as the type has wrappers, whatever the
      // document asks. The standard introspection query nests it nine deep
      // (graphql-js's getIntrospectionQuery), which a plain depth count
      // refused for every IDE and code generator.
      const unwrapsType = field.name.value === 'ofType' && typeName(parentType) === '__Type';
      const walkChildren = (size: number | null) =>
        walk(
          field.selectionSet as SelectionSetNode,
          childType as FieldOwner,
          unwrapsType ? level : level + 1,
          seen,
          size,
        );
      // Introspection lists are not priced by length (the schema bounds
      // them, and the standard query would cost more than a partner may
      // spend); depth still bounds how they nest.
      if (definition && returnsList(definition.type) && !typeName(parentType).startsWith('__')) {
        // A list's length: its own page argument, else the page size asked
        // for on the connection field above it, else the default.
        return 1 + (requested ?? pageSize ?? defaultListSize) * walkChildren(null);
      }
      // A connection-style field (`customers(first: 50) { nodes … }`) hands
      // its page size down to the list beneath it.
      return 1 + walkChildren(requested ?? pageSize);
    };
    cost += walk(operation.selectionSet, rootType, 1, new Set(), null);
  }
  return { depth, aliases, directives, cost };
}

/** A type whose fields can be looked up (object or interface), when the schema knows it. */
type FieldOwner =
  { getFields?: () => Record<string, GraphQLField<unknown, unknown>> } | null | undefined;

/** The field's definition, the introspection entry points included (they are in no type's fields). */
function fieldDefinition(
  parentType: FieldOwner,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return parentType?.getFields?.()[name];
}

function typeName(type: FieldOwner): string {
  return (type as { name?: string } | null | undefined)?.name ?? '';
}

function returnsList(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

/** GraphQL's Int: a value outside it is a validation error, reported as such by Apollo Server. */
const MAX_GRAPHQL_INT = 2 ** 31 - 1;

const PAGE_SIZE_ARGUMENTS = ['first', 'last', 'limit'];

function pageSizeArgument(
  field: FieldNode,
  definition: GraphQLField<unknown, unknown> | undefined,
  variables: Record<string, unknown>,
  maxPageSize: number,
): number | null {
  if (definition) {
    let args: Record<string, unknown> | null = null;
    try {
      args = fieldArgumentValues(definition, field, variables);
    } catch {
      // Arguments execution would refuse: the request fails there; count literals only.
    }
    if (args) {
      for (const name of PAGE_SIZE_ARGUMENTS) {
        const value = args[name];
        if (typeof value === 'number' && Number.isInteger(value)) {
          return Math.min(maxPageSize, Math.max(1, value));
        }
      }
      return null;
    }
  }
  for (const arg of field.arguments ?? []) {
    if (PAGE_SIZE_ARGUMENTS.includes(arg.name.value)) {
      const value = intValue(arg.value, variables);
      if (value !== null && Math.abs(value) <= MAX_GRAPHQL_INT) {
        return Math.min(maxPageSize, Math.max(1, value));
      }
    }
  }
  return null;
}

function intValue(node: ValueNode, variables: Record<string, unknown>): number | null {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === 'number' && Number.isInteger(value) ? value : null;
  }
  return null;
}
