import { Column } from 'typeorm';

/**
 * A boolean column that round-trips on both drivers. MariaDB stores BOOLEAN as
 * tinyint(1) and TypeORM's schema diff then sees a width the entity lacks,
 * reporting a pending change after every migration; declaring width 1 keeps
 * entities and migrations equal. SQLite ignores the width.
 */
export function BooleanColumn(): PropertyDecorator {
  return Column({ type: 'boolean', width: 1 });
}
