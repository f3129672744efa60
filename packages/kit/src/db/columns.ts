import { Column, type ValueTransformer } from 'typeorm';

/**
 * A boolean column that round-trips on both drivers. MariaDB stores BOOLEAN as
 * tinyint(1) and TypeORM's schema diff then sees a width the entity lacks,
 * reporting a pending change after every migration; declaring width 1 keeps
 * entities and migrations equal. SQLite ignores the width.
 */
export function BooleanColumn(): PropertyDecorator {
  return Column({ type: 'boolean', width: 1 });
}

/**
 * Integer minor units in a BIGINT column. MySQL hands BIGINT back as a string
 * (bigNumberStrings), SQLite as a number; both become a safe JS integer here.
 */
const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return value;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`minor-unit value out of range: ${value}`);
    return n;
  },
};

export function MinorUnitsColumn(
  options: { nullable?: boolean; default?: number } = {},
): PropertyDecorator {
  return Column({ type: 'bigint', transformer: minorUnits, ...options });
}
