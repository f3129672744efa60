import {
  ANONYMOUS,
  decodeLiveCursor,
  encodeLiveCursor,
  testing,
  type Principal,
} from '@portico/kit';
import {
  contactOf,
  partnerOf,
  post,
  STAFF,
  startTestMessaging,
  TEST_CLAIMS_SECRET,
  type TestMessaging,
} from './messaging-harness';

/**
 * commentAdded and threadActivity through messaging's own graphql-ws
 * endpoint, connected to as the gateway connects (claims at connection_init,
 * the client principal's claims on each subscribe).
 */

const { waitUntil, SubgraphLiveClient } = testing;

const COMMENT_ADDED = `subscription($threadId: ID!, $after: String) {
  commentAdded(threadId: $threadId, after: $after) {
    cursor comment { id kind body position thread { id } }
  }
}`;

const THREAD_ACTIVITY = `subscription($threadId: ID, $after: String) {
  threadActivity(threadId: $threadId, after: $after) {
    cursor change unreadCount totalUnread thread { id customer { id } } comment { id kind body }
  }
}`;

interface CommentEvent {
  cursor: string;
  comment: {
    id: string;
    kind: string;
    body: string | null;
    position: number;
    thread: { id: string };
  };
}

interface Activity {
  cursor: string;
  change: string;
  unreadCount: number;
  totalUnread: number;
  thread: { id: string; customer: { id: string } };
  comment: { id: string; kind: string; body: string | null } | null;
}

const settle = () => new Promise((r) => setTimeout(r, 400));
const general = (customerId: string) => `general:${customerId}`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging subscriptions on %s',
  (_name, target) => {
    let m: TestMessaging;
    let acme: string;
    let globex: string;
    let alice: Principal;
    let bob: Principal;
    let lucia: Principal;
    const clients: testing.SubgraphLiveClient[] = [];

    const connect = () => {
      const client = new SubgraphLiveClient(m.running.url, TEST_CLAIMS_SECRET);
      clients.push(client);
      return client;
    };
    const live = () => m.running.services.live;
    const head = async () => encodeLiveCursor(await m.running.services.outbox.head());
    const say = (principal: Principal, threadId: string, body: string, kind = 'MESSAGE') =>
      post(m, principal, { threadId, body, kind });

    beforeAll(async () => {
      m = await startTestMessaging(target);
      acme = await m.customer({ companyName: 'Acme' });
      globex = await m.customer({ companyName: 'Globex' });
      alice = contactOf(acme);
      bob = contactOf(acme);
      lucia = contactOf(globex);
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) await client.dispose();
      await waitUntil('every live subscription let go', () => live().size === 0);
    });
    afterAll(() => m?.stop());

    it("delivers a thread's new comments, internal notes to staff only", async () => {
      const client = connect();
      const after = await head();
      const contact = client.subscribe<CommentEvent>(alice, COMMENT_ADDED, {
        threadId: general(acme),
        after,
      });
      const staff = client.subscribe<CommentEvent>(STAFF, COMMENT_ADDED, {
        threadId: general(acme),
        after,
      });
      await waitUntil('both subscribed', () => live().size === 2);
      const question = await say(alice, general(acme), 'Where is my parcel?');
      const note = await say(STAFF, general(acme), 'Carrier says Tuesday', 'INTERNAL_NOTE');
      await say(lucia, general(globex), 'Another customer');
      const reply = await say(STAFF, general(acme), 'It ships on Tuesday.');
      await waitUntil('staff to see three', () => staff.values.length >= 3);
      await waitUntil('the contact to see two', () => contact.values.length >= 2);
      await settle();
      expect(contact.errors).toEqual([]);
      expect(contact.values.map((e) => [e.comment.id, e.comment.kind, e.comment.body])).toEqual([
        [question.id, 'MESSAGE', 'Where is my parcel?'],
        [reply.id, 'MESSAGE', 'It ships on Tuesday.'],
      ]);
      expect(staff.values.map((e) => e.comment.id)).toEqual([question.id, note.id, reply.id]);
      expect(staff.values[1]!.comment).toMatchObject({ kind: 'INTERNAL_NOTE' });
      // The contact's cursors are the staff's, less the note's.
      const cursors = staff.values.map((e) => e.cursor);
      expect(contact.values.map((e) => e.cursor)).toEqual([cursors[0], cursors[2]]);
    });

    it('refuses a thread outside the scope, a bad cursor and the unauthorised at subscribe time', async () => {
      const client = connect();
      const cases: Array<[Principal | null, Record<string, unknown>, string]> = [
        [alice, { threadId: general(globex) }, 'NOT_FOUND'],
        [alice, { threadId: 'invoice:no-such-invoice' }, 'NOT_FOUND'],
        [alice, { threadId: 'not a thread id' }, 'NOT_FOUND'],
        [partnerOf([globex], ['messages:read']), { threadId: general(acme) }, 'NOT_FOUND'],
        [partnerOf(null, ['invoices:read']), { threadId: general(acme) }, 'FORBIDDEN'],
        [ANONYMOUS, { threadId: general(acme) }, 'UNAUTHENTICATED'],
        [null, { threadId: general(acme) }, 'UNAUTHENTICATED'],
        [alice, { threadId: general(acme), after: 'not-a-cursor' }, 'BAD_USER_INPUT'],
      ];
      const refused = cases.map(([principal, variables]) =>
        client.subscribe<CommentEvent>(principal, COMMENT_ADDED, variables),
      );
      const activity = client.subscribe<Activity>(alice, THREAD_ACTIVITY, {
        threadId: general(globex),
      });
      await waitUntil('every refusal', () =>
        [...refused, activity].every((r) => r.errors.length > 0),
      );
      refused.forEach((r, i) =>
        expect(r.errors).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: cases[i]![2] }) }),
        ]),
      );
      expect(activity.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
      ]);
      await say(STAFF, general(acme), 'Nobody should get this');
      await settle();
      expect([...refused, activity].every((r) => r.values.length === 0)).toBe(true);
      expect(live().size).toBe(0);
    });

    it("tells a contact of activity on its customer's threads with unread counts, and nothing of others'", async () => {
      const client = connect();
      const after = await head();
      const aliceFeed = client.subscribe<Activity>(alice, THREAD_ACTIVITY, { after });
      const aliceOtherDevice = connect().subscribe<Activity>(alice, THREAD_ACTIVITY, { after });
      const staff = client.subscribe<Activity>(STAFF, THREAD_ACTIVITY, { after });
      const partner = client.subscribe<Activity>(
        partnerOf([acme], ['messages:read']),
        THREAD_ACTIVITY,
        {
          after,
        },
      );
      await waitUntil('four subscribed', () => live().size === 4);
      const unreadBefore = await m.running.services.readStates.totalUnread(alice);
      const reply = await say(STAFF, general(acme), 'Your order is ready');
      await say(STAFF, general(acme), 'Only for us', 'INTERNAL_NOTE');
      await say(lucia, general(globex), 'Globex asks');
      await waitUntil('alice to see the reply', () => aliceFeed.values.length >= 1);
      await m.gql(
        STAFF,
        `mutation($id: ID!, $body: String!) { editComment(input: { commentId: $id, body: $body }) { comment { id } } }`,
        {
          id: reply.id,
          body: 'Your order is ready for pickup',
        },
      );
      await waitUntil('the edit', () => aliceFeed.values.length >= 2);
      // Bob (another contact of Acme) reading is his own business; Alice reading is hers.
      for (const reader of [bob, alice]) {
        const read = await m.gql(
          reader,
          `mutation($input: MarkThreadReadInput!) { markThreadRead(input: $input) { readUpToPosition } }`,
          { input: { threadId: general(acme), upToCommentId: reply.id } },
        );
        expect(read.body.errors).toBeUndefined();
      }
      await waitUntil('alice reading', () => aliceFeed.values.length >= 3);
      const assigned = await m.gql(
        STAFF,
        `mutation($input: AssignThreadInput!) { assignThread(input: $input) { thread { id } } }`,
        { input: { threadId: general(acme), staffUserId: 'staff-1' } },
      );
      expect(assigned.body.errors).toBeUndefined();
      await waitUntil('staff to see the assignment', () =>
        staff.values.some((a) => a.change === 'thread.assigned'),
      );
      await waitUntil('alice on her other device', () => aliceOtherDevice.values.length >= 3);
      await settle();

      expect(aliceFeed.errors).toEqual([]);
      expect(aliceFeed.values.map((a) => [a.change, a.thread.id, a.comment?.id ?? null])).toEqual([
        ['comment.posted', general(acme), reply.id],
        ['comment.edited', general(acme), reply.id],
        ['thread.read', general(acme), null],
      ]);
      expect(aliceFeed.values[1]!.comment!.body).toBe('Your order is ready for pickup');
      // Counts as they are when delivered: the internal note never counted for her.
      expect(aliceFeed.values[0]!.unreadCount).toBeGreaterThanOrEqual(1);
      expect(aliceFeed.values[0]!.totalUnread).toBe(unreadBefore + 1);
      // Read up to the reply: everything of hers before it too (her only thread).
      expect(aliceFeed.values[2]).toMatchObject({ unreadCount: 0, totalUnread: 0 });
      expect(aliceOtherDevice.values.map((a) => a.cursor)).toEqual(
        aliceFeed.values.map((a) => a.cursor),
      );
      // The partner: Acme's comments, no reading (it keeps none), no assignment, no note.
      expect(partner.values.map((a) => a.change)).toEqual(['comment.posted', 'comment.edited']);
      expect(partner.values.every((a) => a.thread.customer.id === acme)).toBe(true);
      // Staff: everything, both customers, the note, its own reading not included.
      expect(staff.values.map((a) => [a.change, a.thread.id, a.comment?.kind ?? null])).toEqual([
        ['comment.posted', general(acme), 'MESSAGE'],
        ['comment.posted', general(acme), 'INTERNAL_NOTE'],
        ['comment.posted', general(globex), 'MESSAGE'],
        ['comment.edited', general(acme), 'MESSAGE'],
        ['thread.assigned', general(acme), null],
      ]);
    });

    it('resumes from a cursor with exactly what was missed, then live events', async () => {
      const client = connect();
      const first = client.subscribe<CommentEvent>(alice, COMMENT_ADDED, {
        threadId: general(acme),
        after: await head(),
      });
      await waitUntil('subscribed', () => live().size === 1);
      const seen = await say(STAFF, general(acme), 'one');
      await waitUntil('the first', () => first.values.length === 1);
      const cursor = first.values[0]!.cursor;
      first.stop();
      await waitUntil('the subscription to end', () => live().size === 0);
      const missed = [
        await say(STAFF, general(acme), 'two'),
        await say(STAFF, general(acme), 'hidden', 'INTERNAL_NOTE'),
        await say(lucia, general(globex), 'elsewhere'),
        await say(alice, general(acme), 'three'),
      ];
      const resumed = client.subscribe<CommentEvent>(alice, COMMENT_ADDED, {
        threadId: general(acme),
        after: cursor,
      });
      await waitUntil('the missed ones', () => resumed.values.length >= 2);
      const liveOne = await say(STAFF, general(acme), 'four');
      await waitUntil('the live one', () => resumed.values.length >= 3);
      await settle();
      expect(resumed.errors).toEqual([]);
      expect(resumed.values.map((e) => e.comment.id)).toEqual([
        missed[0]!.id,
        missed[3]!.id,
        liveOne.id,
      ]);
      expect(resumed.values.map((e) => e.comment.id)).not.toContain(seen.id);
      const positions = [cursor, ...resumed.values.map((e) => e.cursor)].map(
        (c) => decodeLiveCursor(c) as number,
      );
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
    });

    it('shows a deleted comment as deleted to a subscriber that replays it, and an internal note to no contact', async () => {
      const client = connect();
      const after = await head();
      const gone = await say(alice, general(acme), 'typo');
      await m.gql(
        alice,
        `mutation($input: DeleteCommentInput!) { deleteComment(input: $input) { comment { id } } }`,
        {
          input: { commentId: gone.id },
        },
      );
      const note = await say(STAFF, general(acme), 'never for Alice', 'INTERNAL_NOTE');
      const replay = client.subscribe<Activity>(alice, THREAD_ACTIVITY, {
        threadId: general(acme),
        after,
      });
      await waitUntil('the post and the deletion', () => replay.values.length >= 2);
      await settle();
      expect(replay.values.map((a) => [a.change, a.comment?.id, a.comment?.body])).toEqual([
        ['comment.posted', gone.id, null],
        ['comment.deleted', gone.id, null],
      ]);
      expect(JSON.stringify(replay.values)).not.toContain(note.id);
    });
  },
);
