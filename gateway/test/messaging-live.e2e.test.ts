import { testing } from '@portico/kit';
import type { Client } from 'graphql-ws';
import { mailsTo } from '../../services/accounts/test/mail-folder';
import { startTestStack, type TestStack } from './stack-harness';
import {
  connectWs,
  postMultipart,
  readParts,
  subscribe,
  until,
  type LiveEvent,
  type MultipartStream,
  type Subscription,
} from './live-clients';

const COMMENT_ADDED = `subscription ($threadId: ID!, $after: String) {
  commentAdded(threadId: $threadId, after: $after) {
    cursor
    comment { id kind body position author { name } thread { id customer { id } } }
  }
}`;
const THREAD_ACTIVITY = `subscription ($threadId: ID, $after: String) {
  threadActivity(threadId: $threadId, after: $after) {
    cursor change unreadCount totalUnread
    thread { id customer { id } }
    comment { id kind body }
  }
}`;
const POST = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id position } } }`;

interface AddedComment {
  id: string;
  kind: string;
  body: string | null;
  position: number;
  author: { name: string } | null;
  thread: { id: string; customer: { id: string } };
}
interface CommentAdded {
  commentAdded: { cursor: string; comment: AddedComment };
}
interface Activity {
  threadActivity: {
    cursor: string;
    change: string;
    unreadCount: number;
    totalUnread: number;
    thread: { id: string; customer: { id: string } };
    comment: { id: string; kind: string; body: string | null } | null;
  };
}

const added = (s: Subscription) => s.events.map((e) => (e.data as CommentAdded).commentAdded);
const activity = (s: Subscription) => s.events.map((e) => (e.data as Activity).threadActivity);

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging subscriptions through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let admin: string;
    let alice: string;
    let lucia: string;
    /** The contact of a third customer, invited and signed in through the API. */
    let carol: string;
    let acmeId: string;
    let globexId: string;
    let thirdId: string;
    /** The thread of one of Acme's demo invoices. */
    let invoiceThread: string;
    const clients: Client[] = [];
    const streams: MultipartStream[] = [];

    const gql = async <T>(
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
    ) => {
      const response = await stack.query(query, { token, variables });
      if (response.body.errors) throw new Error(response.text);
      return response.body.data as T;
    };
    const post = async (
      token: string,
      threadId: string,
      body: string,
      kind: 'MESSAGE' | 'INTERNAL_NOTE' = 'MESSAGE',
    ) =>
      (
        await gql<{ postComment: { comment: { id: string; position: number } } }>(token, POST, {
          input: { threadId, body, kind },
        })
      ).postComment.comment;
    const ws = (token: string, closes: Array<{ code: number }> = []) => {
      const client = connectWs(stack.gateway.url, token, closes);
      clients.push(client);
      return client;
    };
    const live = () => stack.messaging.services.live;
    /** Every subscription so far has read its start and joined messaging's live tail. */
    const joined = (count: number) =>
      until(() => live().liveSubscribers.size >= count, 10_000, `${count} live subscribers`);
    const data = (s: Subscription) => s.events.filter((e: LiveEvent) => e.data);
    /** Waits until the thread is known to messaging (it hears of records over their feeds). */
    const threadKnown = async (token: string, threadId: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await stack.query('query ($id: ID!) { thread(id: $id) { id } }', {
          token,
          variables: { id: threadId },
        });
        if (!answer.body.errors) return;
        if (Date.now() > deadline) throw new Error(`thread ${threadId} unknown: ${answer.text}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    beforeAll(async () => {
      stack = await startTestStack(target, {
        // Revoked sessions are noticed within a second rather than five.
        gatewayEnv: { GATEWAY_WS_STATUS_CHECK_MS: '500' },
      });
      acmeId = stack.accounts.demo.acmeId;
      globexId = stack.accounts.demo.globexId;
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      // A third customer with a contact of its own, as staff would set one up.
      const created = await gql<{ createCustomer: { customer: { id: string } } }>(
        admin,
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        {
          input: {
            companyName: 'Initech Oy',
            email: 'laskut@initech.example',
            billingAddress: {
              line1: 'Mannerheimintie 1',
              city: 'Helsinki',
              postalCode: '00100',
              country: 'FI',
            },
            taxId: 'FI12345678',
            locale: 'en',
            currency: 'EUR',
          },
        },
      );
      thirdId = created.createCustomer.customer.id;
      await gql(
        admin,
        'mutation ($input: InviteContactInput!) { inviteContact(input: $input) { contact { id } } }',
        { input: { customerId: thirdId, name: 'Carol Kask', email: 'carol@initech.example' } },
      );
      let [mail] = await mailsTo(stack.accounts.mailFolder, 'carol@initech.example');
      for (let i = 0; !mail && i < 100; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        [mail] = await mailsTo(stack.accounts.mailFolder, 'carol@initech.example');
      }
      const accepted = await stack.query(
        'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
        { variables: { input: { token: mail!.token, password: 'lantern orchard velvet' } } },
      );
      carol = (accepted.body.data as { acceptInvitation: { accessToken: string } }).acceptInvitation
        .accessToken;
      const invoices = await gql<{ invoices: { nodes: Array<{ id: string; status: string }> } }>(
        alice,
        '{ invoices(first: 50) { nodes { id status } } }',
      );
      invoiceThread = `invoice:${invoices.invoices.nodes.find((n) => n.status !== 'DRAFT')!.id}`;
      await threadKnown(alice, invoiceThread);
      await threadKnown(carol, `general:${thirdId}`);
    });

    afterEach(async () => {
      await Promise.all(streams.splice(0).map((s) => s.cancel().catch(() => undefined)));
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
      await until(() => live().size === 0, 10_000, 'subscriptions ended in messaging');
    });

    afterAll(() => stack?.stop());

    it("delivers a staff reply on the contact's invoice thread, with the author's name from accounts, over graphql-ws and multipart", async () => {
      const overWs = subscribe(ws(alice), COMMENT_ADDED, { threadId: invoiceThread });
      const response = await postMultipart(stack.gateway.url, alice, {
        query: COMMENT_ADDED,
        variables: { threadId: invoiceThread },
      });
      expect(response.status).toBe(200);
      const overHttp = readParts(response);
      streams.push(overHttp);
      await joined(2);
      const reply = await post(admin, invoiceThread, 'Your invoice is on its way.');
      const expected = {
        cursor: expect.any(String),
        comment: {
          id: reply.id,
          kind: 'MESSAGE',
          body: 'Your invoice is on its way.',
          position: reply.position,
          author: { name: 'Portico Admin' },
          thread: { id: invoiceThread, customer: { id: acmeId } },
        },
      };
      await until(() => overWs.events.length === 1, 10_000, 'the reply over graphql-ws');
      expect(overWs.events).toEqual([{ data: { commentAdded: expected } }]);
      const payloads = () => overHttp.parts.filter((p) => 'payload' in (p as object));
      await until(() => payloads().length === 1, 10_000, 'the reply over multipart');
      expect(payloads()).toEqual([{ payload: { data: { commentAdded: expected } } }]);
    });

    it("refuses a contact following another customer's thread, and delivers nothing of it", async () => {
      const client = ws(lucia);
      const refusals = [
        subscribe(client, COMMENT_ADDED, { threadId: invoiceThread }),
        subscribe(client, COMMENT_ADDED, { threadId: `general:${acmeId}` }),
        subscribe(client, THREAD_ACTIVITY, { threadId: invoiceThread }),
      ];
      // Refused as the subgraph's subscribe is made: one result with the error, then complete.
      await until(() => refusals.every((s) => s.completed), 10_000, 'refusals');
      for (const refused of refusals) {
        expect(refused.errors).toEqual([]);
        expect(refused.events).toEqual([
          {
            data: null,
            errors: [expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })],
          },
        ]);
      }
      const overHttp = readParts(
        await postMultipart(stack.gateway.url, lucia, {
          query: COMMENT_ADDED,
          variables: { threadId: invoiceThread },
        }),
      );
      streams.push(overHttp);
      await overHttp.pump;
      expect(overHttp.isClosed()).toBe(true);
      expect(overHttp.parts.filter((p) => 'payload' in (p as object))).toEqual([
        {
          payload: {
            data: null,
            errors: [expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })],
          },
        },
      ]);
      // Her own feed is open, and Acme's news stays out of it.
      const own = subscribe(client, THREAD_ACTIVITY, {});
      await joined(1);
      const acmeOnly = await post(admin, invoiceThread, 'Acme only: the refund is approved.');
      const fence = await post(admin, `general:${globexId}`, 'Hola Lucía');
      await until(
        () => activity(own).some((a) => a.comment?.id === fence.id),
        10_000,
        "Globex's own event",
      );
      // Whatever else arrives (a system item of Globex's numbered late) is Globex's.
      expect(activity(own).every((a) => a.thread.customer.id === globexId)).toBe(true);
      expect(activity(own).map((a) => a.comment?.id)).not.toContain(acmeOnly.id);
      expect(JSON.stringify([refusals, own.events, overHttp.parts])).not.toContain('refund');
      expect(refusals.map((s) => s.events.length)).toEqual([1, 1, 1]);
    });

    it("gives each of three customers' sockets exactly its own customer's events over many comments", async () => {
      const contacts = [
        { token: alice, customerId: acmeId, threads: [`general:${acmeId}`, invoiceThread] },
        { token: lucia, customerId: globexId, threads: [`general:${globexId}`] },
        { token: carol, customerId: thirdId, threads: [`general:${thirdId}`] },
      ];
      const sockets = contacts.map((c) => subscribe(ws(c.token), THREAD_ACTIVITY, {}));
      const staff = subscribe(ws(admin), THREAD_ACTIVITY, {});
      await joined(4);
      const posted = new Map<string, string[]>(contacts.map((c) => [c.customerId, []]));
      // 30 comments over the three customers, staff and contacts in turn, a few at a time.
      for (let round = 0; round < 10; round += 1) {
        await Promise.all(
          contacts.map(async (c, i) => {
            const threadId = c.threads[round % c.threads.length]!;
            const by = (round + i) % 2 === 0 ? admin : c.token;
            const comment = await post(by, threadId, `round ${round} for customer ${i}`);
            posted.get(c.customerId)!.push(comment.id);
          }),
        );
      }
      // One last staff message each: every stray event would have come before it.
      for (const c of contacts) {
        posted.get(c.customerId)!.push((await post(admin, c.threads[0]!, 'fence')).id);
      }
      for (const i of contacts.keys()) {
        await until(() => sockets[i]!.events.length >= 11, 20_000, `customer ${i}'s events`);
      }
      await until(() => staff.events.length >= 33, 20_000, "staff's events");
      for (const [i, c] of contacts.entries()) {
        const seen = activity(sockets[i]!);
        expect(sockets[i]!.events.every((e) => !e.errors)).toBe(true);
        expect(seen).toHaveLength(11);
        expect(new Set(seen.map((a) => a.thread.customer.id))).toEqual(new Set([c.customerId]));
        expect(seen.map((a) => a.change)).toEqual(Array(11).fill('comment.posted'));
        expect(seen.map((a) => a.comment!.id).sort()).toEqual(
          [...posted.get(c.customerId)!].sort(),
        );
      }
      // Staff follow every thread: all 33, each customer's in its own order.
      const all = activity(staff);
      expect(all).toHaveLength(33);
      for (const c of contacts) {
        expect(all.filter((a) => a.thread.customer.id === c.customerId)).toHaveLength(11);
      }
    });

    it("keeps internal notes from the contact's subscriptions and unread counts, and gives them to staff", async () => {
      const thread = `general:${acmeId}`;
      const before = await gql<{ thread: { unreadCount: number } }>(
        alice,
        'query ($id: ID!) { thread(id: $id) { unreadCount } }',
        { id: thread },
      );
      const client = ws(alice);
      const comments = subscribe(client, COMMENT_ADDED, { threadId: thread });
      const feed = subscribe(client, THREAD_ACTIVITY, {});
      const staffComments = subscribe(ws(admin), COMMENT_ADDED, { threadId: thread });
      const staffFeed = subscribe(ws(admin), THREAD_ACTIVITY, { threadId: thread });
      await joined(4);
      const note = await post(admin, thread, 'Internal: they are late payers.', 'INTERNAL_NOTE');
      const message = await post(admin, thread, 'Thanks for your order!');
      await until(
        () => staffComments.events.length === 2 && staffFeed.events.length === 2,
        10_000,
        'staff saw both',
      );
      expect(added(staffComments).map((c) => [c.comment.id, c.comment.kind])).toEqual([
        [note.id, 'INTERNAL_NOTE'],
        [message.id, 'MESSAGE'],
      ]);
      expect(activity(staffFeed).map((a) => a.comment!.kind)).toEqual(['INTERNAL_NOTE', 'MESSAGE']);
      // The message comes after the note: once it is there, the note had its chance.
      await until(
        () => comments.events.length >= 1 && feed.events.length >= 1,
        10_000,
        "the contact's message",
      );
      expect(added(comments).map((c) => c.comment.id)).toEqual([message.id]);
      expect(activity(feed).map((a) => a.comment!.id)).toEqual([message.id]);
      expect(activity(feed)[0]!.unreadCount).toBe(before.thread.unreadCount + 1);
      expect(JSON.stringify([comments.events, feed.events])).not.toContain('late payers');
      const after = await gql<{ thread: { unreadCount: number } }>(
        alice,
        'query ($id: ID!) { thread(id: $id) { unreadCount } }',
        { id: thread },
      );
      expect(after.thread.unreadCount).toBe(before.thread.unreadCount + 1);
    });

    it('resumes from its cursor after a disconnect: the missed comments, then live ones, none twice', async () => {
      const thread = `general:${thirdId}`;
      const first = subscribe(ws(carol), COMMENT_ADDED, { threadId: thread });
      await joined(1);
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await post(admin, thread, `before ${i}`)).id);
      await until(() => first.events.length === 3, 10_000, 'three before the disconnect');
      const lastCursor = added(first).at(-1)!.cursor;
      await clients.splice(0).at(0)!.dispose();
      await until(() => live().size === 0, 10_000, 'disconnected');
      for (let i = 0; i < 4; i += 1) {
        const by = i % 2 === 0 ? admin : carol;
        ids.push((await post(by, thread, `while away ${i}`)).id);
      }
      const resumed = subscribe(ws(carol), COMMENT_ADDED, { threadId: thread, after: lastCursor });
      await until(() => resumed.events.length === 4, 10_000, 'the missed four');
      await joined(1);
      for (let i = 0; i < 2; i += 1) ids.push((await post(admin, thread, `live ${i}`)).id);
      await until(() => resumed.events.length === 6, 10_000, 'two live ones');
      const seen = [...added(first), ...added(resumed)];
      expect(seen.map((e) => e.comment.id)).toEqual(ids);
      const positions = seen.map((e) => e.comment.position);
      expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));
      expect(new Set(seen.map((e) => e.cursor)).size).toBe(seen.length);
      expect(data(resumed)).toHaveLength(6);
    });

    it("closes a revoked session's socket with 4401", async () => {
      const bob = await stack.signIn('bob@acme.example', 'acme-demo-password');
      const closes: Array<{ code: number }> = [];
      const feed = subscribe(ws(bob, closes), THREAD_ACTIVITY, {});
      await joined(1);
      const out = await stack.query('mutation { signOut { sessionsEnded } }', { token: bob });
      expect(out.body.errors).toBeUndefined();
      await until(() => closes.length === 1, 15_000, 'closed after sign-out');
      expect(closes[0]!.code).toBe(4401);
      await until(() => live().size === 0, 10_000, 'the subscription ended in messaging');
      await post(admin, `general:${acmeId}`, 'After Bob left');
      expect(feed.events).toEqual([]);
    });

    it("moves the contact's unread counts up with a staff reply and down with markThreadRead, on each of its sockets", async () => {
      const counts = () =>
        gql<{ unreadCount: number; thread: { unreadCount: number } }>(
          alice,
          'query ($id: ID!) { unreadCount thread(id: $id) { unreadCount } }',
          { id: invoiceThread },
        );
      const before = await counts();
      const phone = subscribe(ws(alice), THREAD_ACTIVITY, {});
      const laptop = subscribe(ws(alice), THREAD_ACTIVITY, { threadId: invoiceThread });
      await joined(2);
      const reply = await post(admin, invoiceThread, 'A new question for you.');
      await until(
        () => phone.events.length === 1 && laptop.events.length === 1,
        10_000,
        'the reply on both sockets',
      );
      for (const socket of [phone, laptop]) {
        expect(activity(socket)[0]).toMatchObject({
          change: 'comment.posted',
          comment: { id: reply.id },
          unreadCount: before.thread.unreadCount + 1,
          totalUnread: before.unreadCount + 1,
        });
      }
      await gql(
        alice,
        'mutation ($input: MarkThreadReadInput!) { markThreadRead(input: $input) { readUpToPosition } }',
        { input: { threadId: invoiceThread, upToCommentId: reply.id } },
      );
      await until(
        () => phone.events.length === 2 && laptop.events.length === 2,
        10_000,
        'the reading on both sockets',
      );
      const now = await counts();
      expect(now.thread.unreadCount).toBe(0);
      for (const socket of [phone, laptop]) {
        expect(activity(socket)[1]).toEqual({
          cursor: expect.any(String),
          change: 'thread.read',
          thread: { id: invoiceThread, customer: { id: acmeId } },
          comment: null,
          unreadCount: 0,
          totalUnread: now.unreadCount,
        });
      }
      expect(now.unreadCount).toBe(before.unreadCount + 1 - (before.thread.unreadCount + 1));
    });
  },
);
