import { visit, type DocumentNode } from 'graphql';

/** True when the document asks for `__schema` or `__type` (`__typename` is not introspection). */
export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** Removes graphql-js's "Did you mean …?" hints, which spell out the schema piece by piece. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .*\?$/s, '');
}
