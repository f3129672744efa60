import { openDatabase, testing, type Database } from '../src';

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'Database on %s',
  (name, target) => {
    let db: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const created = await target.create('kit');
      drop = created.drop;
      db = await openDatabase(created.config, { entities: [], migrations: [] });
      await db.dataSource.query(
        'CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)',
      );
    });
    afterAll(async () => {
      await db?.dataSource.destroy();
      await drop?.();
    });

    it('runs 20 concurrent transactions without collisions, each one whole', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          db.transaction(async (manager) => {
            await manager.query('INSERT INTO ledger (id, amount) VALUES (?, ?)', [i + 1, 10]);
            await new Promise((r) => setTimeout(r, 2));
            await manager.query('UPDATE ledger SET amount = amount + 5 WHERE id = ?', [i + 1]);
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const [row] = (await db.dataSource.query(
        'SELECT COUNT(*) AS n, SUM(amount) AS total FROM ledger',
      )) as Array<{
        n: number | string;
        total: number | string;
      }>;
      expect(Number(row?.n)).toBe(20);
      expect(Number(row?.total)).toBe(300);
    });

    it('rolls a failed transaction back and keeps serving the next one', async () => {
      await expect(
        db.transaction(async (manager) => {
          await manager.query('INSERT INTO ledger (id, amount) VALUES (?, ?)', [100, 1]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await db.transaction((manager) =>
        manager.query('INSERT INTO ledger (id, amount) VALUES (?, ?)', [101, 1]),
      );
      const rows = (await db.dataSource.query(
        'SELECT id FROM ledger WHERE id >= 100 ORDER BY id',
      )) as Array<{ id: number }>;
      expect(rows.map((r) => Number(r.id))).toEqual([101]);
    });

    it('saves a row that does not exist yet once when many transactions lock it and insert it at once', async () => {
      // Each locks the missing row (gap locks on InnoDB do not exclude each
      // other), then inserts it or adds to it: the deadlock victims run again.
      await db.dataSource.query('DELETE FROM ledger WHERE id = 500');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          db.transaction(async (manager) => {
            const forUpdate = name === 'sqlite' ? '' : ' FOR UPDATE';
            const rows = (await manager.query(
              `SELECT amount FROM ledger WHERE id = 500${forUpdate}`,
            )) as unknown[];
            await new Promise((r) => setTimeout(r, 5));
            if (rows.length === 0) {
              await manager.query('INSERT INTO ledger (id, amount) VALUES (500, 1)');
            } else {
              await manager.query('UPDATE ledger SET amount = amount + 1 WHERE id = 500');
            }
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const rows = (await db.dataSource.query(
        'SELECT amount FROM ledger WHERE id = 500',
      )) as Array<{ amount: number | string }>;
      expect(rows.map((r) => Number(r.amount))).toEqual([8]);
    });

    it(`serializes transactions only where the driver needs it (${name})`, () => {
      expect(db.serializesTransactions).toBe(name === 'sqlite');
    });
  },
);
