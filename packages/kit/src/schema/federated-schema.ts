import 'reflect-metadata';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  type GraphQLEnumType,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { AUTHZ_DIRECTIVES_SDL, AUTHZ_DIRECTIVE_NAMES, AUTHZ_SPEC_URL } from '../auth/rules';
import { enforceSchemaRules } from '../auth/schema-rules';
import { NO_TOPIC_PUBSUB } from '../live/subscription';

/** The one place the federation version is pinned for every subgraph. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.7';
const FEDERATION_IMPORTS = [
  '@key',
  '@shareable',
  '@external',
  '@requires',
  '@provides',
  '@extends',
  '@inaccessible',
  '@override',
  '@tag',
  '@composeDirective',
];

/**
 * The schema header every subgraph carries: the federation link, Portico's own
 * authorization spec, and `@composeDirective` so the directives survive
 * composition into the supergraph (where the gateway reads them).
 */
export function subgraphSchemaHeader(): string {
  const imports = AUTHZ_DIRECTIVE_NAMES.map((n) => `"@${n}"`).join(', ');
  const compose = AUTHZ_DIRECTIVE_NAMES.map((n) => `  @composeDirective(name: "@${n}")`).join('\n');
  return [
    'extend schema',
    `  @link(url: "${FEDERATION_SPEC_URL}", import: [${FEDERATION_IMPORTS.map((i) => `"${i}"`).join(', ')}])`,
    `  @link(url: "${AUTHZ_SPEC_URL}", import: [${imports}])`,
    compose,
    AUTHZ_DIRECTIVES_SDL,
  ].join('\n');
}

// `Function` is what type-graphql's own option types use for class lists.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = NonEmptyArray<Function>;

export interface FederatedSchemaOptions {
  resolvers: ClassList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type; each must apply the principal's row-level scope. */
  referenceResolvers?: GraphQLResolverMap<unknown>;
}

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The SDL `_service { sdl }` answers, directives kept: what composition reads. */
  sdl: string;
}

/**
 * type-graphql → @apollo/subgraph. graphql-js's `printSchema` drops applied
 * directives (@key and Portico's own), so the type-graphql schema is printed
 * with them kept and rebuilt as a subgraph schema, whose every field then
 * enforces the authorization directives that govern it.
 */
export async function buildFederatedSchema(
  options: FederatedSchemaOptions,
): Promise<FederatedSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes ?? [],
    // Federation directives are only known once buildSubgraphSchema reads the
    // @link header; it validates the whole document itself.
    skipCheck: true,
    validate: false,
    // Subscriptions bring their own `subscribe` (liveSubscribe), never topics.
    pubSub: NO_TOPIC_PUBSUB,
  });
  const typeDefs = parse(
    `${subgraphSchemaHeader()}\n${printSchemaWithDirectives(typeGraphqlSchema)}`,
  );
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, fields] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) } as never;
  }
  const schema = buildSubgraphSchema({ typeDefs, resolvers });
  mapEnumDefaults(schema);
  enforceSchemaRules(schema);
  return { schema, sdl: printSubgraphSchema(schema) };
}

/**
 * Default values of enum arguments and input fields were read from the SDL
 * before the resolvers gave the enum its internal values, so an omitted
 * argument would reach the resolver as the value's name ("ACTIVE") while a
 * given one arrives as its internal value ("active"). Map the defaults too.
 */
function mapEnumDefaults(schema: GraphQLSchema): void {
  const toInternal = (value: unknown, type: GraphQLEnumType): unknown => {
    if (Array.isArray(value)) return value.map((v) => toInternal(v, type));
    if (typeof value !== 'string') return value;
    const named = type.getValue(value);
    return named ? named.value : value;
  };
  const fix = (holder: { type: Parameters<typeof getNamedType>[0]; defaultValue?: unknown }) => {
    const named = getNamedType(holder.type);
    if (holder.defaultValue !== undefined && isEnumType(named)) {
      holder.defaultValue = toInternal(holder.defaultValue, named);
    }
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) field.args.forEach(fix);
    } else if (isInputObjectType(type)) {
      Object.values(type.getFields()).forEach(fix);
    }
  }
}
