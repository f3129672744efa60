import { testing, type Database } from '@portico/kit';
import { openAccountsDatabase } from '../src/db/database';
import { Revocation } from '../src/session/revocation.entity';
import { RevocationLog, type RevocationLogOptions } from '../src/session/revocation-log';

const OPTIONS: RevocationLogOptions = {
  pollMs: 50,
  maxWaitMs: 5_000,
  gapMs: 400,
  retainMs: 24 * 60 * 60_000,
  handoffMs: 100,
  batchSize: 100,
};

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'revocation log on %s',
  (_name, target) => {
    let database: Awaited<ReturnType<testing.DatabaseTarget['create']>>;
    let db: Database;
    let other: Database;
    let log: RevocationLog;

    beforeAll(async () => {
      database = await target.create('accounts');
      db = await openAccountsDatabase(database.config);
      // A second accounts instance on the same database.
      other = await openAccountsDatabase(database.config);
      log = new RevocationLog(db, OPTIONS);
    });
    afterAll(async () => {
      log?.close();
      await db?.dataSource.destroy();
      await other?.dataSource.destroy();
      await database?.drop();
    });

    const revoke = (on: RevocationLog, subjects: string[]) => on.revoke(subjects, async () => true);

    it('starts a follower at the head and hands it what comes after, in order', async () => {
      await revoke(log, ['session:before']);
      const start = await log.read(null, 0);
      expect(start.subjects).toEqual([]);
      expect(start.cursor).toBe(await log.head());

      await revoke(log, ['session:a', 'contact:b']);
      await revoke(log, ['partner:c']);
      const batch = await log.read(start.cursor, 0);
      expect(batch.subjects).toEqual(['session:a', 'contact:b', 'partner:c']);
      expect((await log.read(batch.cursor, 0)).subjects).toEqual([]);
    });

    it('holds a reader until a revocation commits, then answers at once', async () => {
      const { cursor } = await log.read(null, 0);
      const started = Date.now();
      const waiting = log.read(cursor, 4_000);
      await new Promise((r) => setTimeout(r, 100));
      await revoke(log, ['session:late']);
      const batch = await waiting;
      expect(batch.subjects).toEqual(['session:late']);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('answers empty with the same cursor when nothing is revoked within the wait', async () => {
      const { cursor } = await log.read(null, 0);
      const started = Date.now();
      expect(await log.read(cursor, 200)).toEqual({ cursor, subjects: [] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });

    it('hands a reader what another instance on the same database revoked', async () => {
      const elsewhere = new RevocationLog(other, OPTIONS);
      const { cursor } = await log.read(null, 0);
      const waiting = log.read(cursor, 4_000);
      await new Promise((r) => setTimeout(r, 50));
      // committed() on the other instance wakes only its own readers: ours must poll.
      await revoke(elsewhere, ['staff:elsewhere']);
      expect((await waiting).subjects).toEqual(['staff:elsewhere']);
    });

    it('waits at a missing id (a transaction still committing) and passes over it once it is old', async () => {
      const { cursor } = await log.read(null, 0);
      const repo = db.manager.getRepository(Revocation);
      // id cursor+1 is "in flight"; cursor+2 has committed.
      await repo.insert({ id: cursor + 2, subject: 'session:after-gap', createdAt: new Date() });
      expect(await log.read(cursor, 0)).toEqual({ cursor, subjects: [] });
      await repo.insert({ id: cursor + 1, subject: 'session:in-gap', createdAt: new Date() });
      expect(await log.read(cursor, 0)).toEqual({
        cursor: cursor + 2,
        subjects: ['session:in-gap', 'session:after-gap'],
      });

      // A gap that never fills (a rolled-back transaction) is passed over after gapMs.
      await repo.insert({
        id: cursor + 4,
        subject: 'session:after-rollback',
        createdAt: new Date(),
      });
      expect((await log.read(cursor + 2, 0)).subjects).toEqual([]);
      const batch = await log.read(cursor + 2, 2_000);
      expect(batch).toEqual({ cursor: cursor + 4, subjects: ['session:after-rollback'] });
    });

    it('hands the subjects to a waiting follower before the revocation returns', async () => {
      const { cursor } = await log.read(null, 0, 'follower-waiting');
      let answered = false;
      const waiting = log.read(cursor, 4_000, 'follower-waiting').then((batch) => {
        answered = true;
        return batch;
      });
      await new Promise((r) => setTimeout(r, 30));
      await revoke(log, ['session:handed']);
      expect(answered).toBe(true);
      expect((await waiting).subjects).toEqual(['session:handed']);
    });

    // No clock in these two: each window is far longer than the test's own
    // timeout, so only the event under test can end the wait (a sub-second
    // bound failed on a loaded 2-core machine).
    it('waits for a known follower that is between two polls, until that follower has read', async () => {
      const handoff = new RevocationLog(db, { ...OPTIONS, handoffMs: 600_000 });
      const { cursor } = await handoff.read(null, 0, 'follower-between');
      let revoked = false;
      const revoking = revoke(handoff, ['session:between']).then(() => {
        revoked = true;
      });
      const repository = db.manager.getRepository(Revocation);
      while ((await repository.countBy({ subject: 'session:between' })) === 0) {
        await new Promise((r) => setTimeout(r, 5));
      }
      // Committed, and still handing over: the follower has not read yet.
      expect(revoked).toBe(false);
      const batch = await handoff.read(cursor, 4_000, 'follower-between');
      expect(batch.subjects).toEqual(['session:between']);
      await revoking;
      handoff.close();
    });

    it('ends every wait on close', async () => {
      const closing = new RevocationLog(db, { ...OPTIONS, maxWaitMs: 600_000 });
      const { cursor } = await closing.read(null, 0);
      const waiting = closing.read(cursor, 600_000);
      closing.close();
      expect(await waiting).toEqual({ cursor, subjects: [] });
    });
  },
);
