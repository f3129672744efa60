/**
 * Rows grouped under the ids a DataLoader asked for, in the order asked:
 * `byParentId` loaders answer with one list per id (empty when none).
 */
export function groupByKeys<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return ids.map((id) => groups.get(id) ?? []);
}
