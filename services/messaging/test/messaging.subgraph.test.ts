import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_FEED_PATH, fetchFeedHead, testing, type Principal } from '@portico/kit';
import { buildSchema, loadCommentInScope, unreadForViewer } from '@portico/messaging';
import { CommentRow } from '../src/comment/comment.entity';
import {
  contactOf,
  OTHER_STAFF,
  partnerOf,
  post,
  STAFF,
  startTestMessaging,
  TEST_CLAIMS_SECRET,
  type TestMessaging,
} from './messaging-harness';

const THREAD = `query ($id: ID!) {
  thread(id: $id) {
    id subjectKind commentCount unreadCount
    comments(last: 100) { nodes { id kind body position author { id } } }
  }
}`;
const EDIT = `mutation ($input: EditCommentInput!) { editComment(input: $input) { comment { id body editedAt } } }`;
const DELETE = `mutation ($input: DeleteCommentInput!) { deleteComment(input: $input) { comment { id body deletedAt } } }`;
const MARK = `mutation ($input: MarkThreadReadInput!) {
  markThreadRead(input: $input) { readUpToPosition thread { id unreadCount } }
}`;

type ThreadAnswer = {
  thread: {
    id: string;
    commentCount: number;
    unreadCount: number;
    comments: { nodes: Array<{ id: string; kind: string; body: string | null; position: number }> };
  };
};

const general = (customerId: string) => `general:${customerId}`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging subgraph on %s',
  (_name, target) => {
    let m: TestMessaging;
    let acme: string;
    let globex: string;
    let alice: Principal;
    let bob: Principal;
    let lucia: Principal;
    beforeAll(async () => {
      m = await startTestMessaging(target, { MESSAGING_MAX_COMMENT_CHARS: '40' });
      acme = await m.customer({ companyName: 'Acme' });
      globex = await m.customer({ companyName: 'Globex' });
      alice = contactOf(acme);
      bob = contactOf(acme);
      lucia = contactOf(globex);
    });
    afterAll(() => m?.stop());

    it('has migrations that match the entities, and an entity for every table', async () => {
      const drift = await testing.schemaDrift(m.running.db.dataSource);
      expect(drift.pending).toEqual([]);
      expect(drift.tables).toEqual(drift.entities);
    });

    it('prints the checked-in SDL, and answers nothing without gateway claims', async () => {
      const checkedIn = readFileSync(
        join(__dirname, '..', '..', '..', 'schema', 'subgraphs', 'messaging.graphql'),
        'utf8',
      );
      expect(`${(await buildSchema()).sdl.trim()}\n`).toBe(checkedIn);
      for (const query of [
        `{ thread(id: "${general(acme)}") { id } }`,
        '{ _service { sdl } }',
        `{ _entities(representations: [{ __typename: "Thread", id: "${general(acme)}" }]) { ... on Thread { id } } }`,
      ]) {
        const answer = await testing.postGraphQL(m.running.url, query);
        expect(answer.body.data ?? null).toBeNull();
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it("answers a customer's general conversation before anything is written, and writes it on first post", async () => {
      const customer = await m.customer();
      const contact = contactOf(customer);
      const empty = await m.gql<{ thread: { id: string; commentCount: number } }>(contact, THREAD, {
        id: general(customer),
      });
      expect(empty.body.data?.thread).toMatchObject({ id: general(customer), commentCount: 0 });
      const listed = await m.gql<{ _entities: Array<{ threads: { nodes: unknown[] } }> }>(
        contact,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { threads { nodes { id } } } } }',
        { r: [{ __typename: 'Customer', id: customer }] },
      );
      expect(listed.body.data?._entities[0]?.threads.nodes).toEqual([]);
      const comment = await post(m, contact, {
        threadId: general(customer),
        body: '  <b>Hello</b>\r\n\tthere  ',
      });
      expect(comment).toMatchObject({
        kind: 'MESSAGE',
        body: '<b>Hello</b>\n\tthere',
        position: 1,
      });
      expect(comment.author?.id).toBe(`contact:${(contact as { contactId: string }).contactId}`);
      const after = await m.gql<{
        _entities: Array<{ threads: { nodes: Array<{ id: string }> } }>;
      }>(
        contact,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { threads { nodes { id } } } } }',
        { r: [{ __typename: 'Customer', id: customer }] },
      );
      expect(after.body.data?._entities[0]?.threads.nodes).toEqual([{ id: general(customer) }]);
    });

    it('refuses empty, too long and control-character text, and stores nothing', async () => {
      const before = await m.running.db.manager.getRepository(CommentRow).count();
      const cases: Array<[string, string]> = [
        ['   \n ', 'required'],
        ['x'.repeat(41), 'too-long'],
        ['bell \u0007 here', 'control-characters'],
        ['nul \u0000', 'control-characters'],
        ['escape \u001b[31m', 'control-characters'],
      ];
      for (const [body, reason] of cases) {
        const answer = await m.gql(alice, POST_ONLY, { input: { threadId: general(acme), body } });
        expect(answer.body.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          reason,
        });
      }
      // 40 code points, emoji included, is within the limit.
      expect((await post(m, alice, { threadId: general(acme), body: '😀'.repeat(40) })).body).toBe(
        '😀'.repeat(40),
      );
      expect(await m.running.db.manager.getRepository(CommentRow).count()).toBe(before + 1);
    });

    it("never shows another customer's thread or comment, and refuses posting into it as not found", async () => {
      const own = await post(m, lucia, { threadId: general(globex), body: 'Globex only' });
      for (const [principal, label] of [
        [alice, 'contact'],
        [partnerOf([acme], ['messages:read']), 'partner'],
      ] as const) {
        const seen = await m.gql(principal, THREAD, { id: general(globex) });
        expect([label, seen.body.errors?.[0]?.extensions?.code]).toEqual([label, 'NOT_FOUND']);
        const entities = await m.gql<{ _entities: unknown[] }>(
          principal,
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thread { id } ... on Comment { id body } } }',
          {
            r: [
              { __typename: 'Thread', id: general(globex) },
              { __typename: 'Comment', id: own.id },
            ],
          },
        );
        expect(entities.body.data?._entities).toEqual([null, null]);
        const listed = await m.gql<{ _entities: Array<{ threads: { nodes: unknown[] } } | null> }>(
          principal,
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { threads { nodes { id } } } } }',
          { r: [{ __typename: 'Customer', id: globex }] },
        );
        expect(JSON.stringify(listed.body)).not.toContain(globex);
      }
      const refused = await m.gql(alice, POST_ONLY, {
        input: { threadId: general(globex), body: 'let me in' },
      });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const edit = await m.gql(alice, EDIT, { input: { commentId: own.id, body: 'changed' } });
      expect(edit.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await loadCommentInScope(m.running.services, alice, own.id)).toBeNull();
      expect((await loadCommentInScope(m.running.services, lucia, own.id))?.body).toBe(
        'Globex only',
      );
      const stored = await m.running.db.manager
        .getRepository(CommentRow)
        .findBy({ threadId: general(globex) });
      expect(stored.map((c) => c.body)).toEqual(['Globex only']);
    });

    it('keeps internal notes from contacts and partners in every query and count', async () => {
      const customer = await m.customer();
      const contact = contactOf(customer);
      const partner = partnerOf([customer], ['messages:read']);
      const threadId = general(customer);
      const note = await post(m, STAFF, { threadId, body: 'Slow payer', kind: 'INTERNAL_NOTE' });
      expect(note.kind).toBe('INTERNAL_NOTE');
      // A thread holding only a note is not listed for the customer's side.
      const listing =
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { threads { nodes { id commentCount unreadCount } } } } }';
      const list = (p: Principal) =>
        m.gql<{ _entities: Array<{ threads: { nodes: unknown[] } }> }>(p, listing, {
          r: [{ __typename: 'Customer', id: customer }],
        });
      expect((await list(contact)).body.data?._entities[0]?.threads.nodes).toEqual([]);
      expect((await list(OTHER_STAFF)).body.data?._entities[0]?.threads.nodes).toEqual([
        { id: threadId, commentCount: 1, unreadCount: 1 },
      ]);
      const message = await post(m, STAFF, { threadId, body: 'Hello from us' });
      for (const principal of [contact, partner]) {
        const seen = await m.gql<ThreadAnswer>(principal, THREAD, { id: threadId });
        expect(seen.body.data?.thread.comments.nodes.map((c) => c.id)).toEqual([message.id]);
        expect(seen.body.data?.thread.commentCount).toBe(1);
        const entity = await m.gql<{ _entities: unknown[] }>(
          principal,
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Comment { id body } } }',
          { r: [{ __typename: 'Comment', id: note.id }] },
        );
        expect(entity.body.data?._entities).toEqual([null]);
        expect(await loadCommentInScope(m.running.services, principal, note.id)).toBeNull();
      }
      const unread = await m.gql<ThreadAnswer & { unreadCount: number }>(
        contact,
        `query ($id: ID!) { unreadCount thread(id: $id) { unreadCount } }`,
        { id: threadId },
      );
      expect(unread.body.data).toEqual({ unreadCount: 1, thread: { unreadCount: 1 } });
      expect(await unreadForViewer(m.running.services, contact, threadId)).toEqual({
        unreadCount: 1,
        totalUnread: 1,
      });
      expect(await unreadForViewer(m.running.services, OTHER_STAFF, threadId)).toMatchObject({
        unreadCount: 2,
      });
      expect((await loadCommentInScope(m.running.services, OTHER_STAFF, note.id))?.body).toBe(
        'Slow payer',
      );
      const contactNote = await m.gql(contact, POST_ONLY, {
        input: { threadId, body: 'sneaky', kind: 'INTERNAL_NOTE' },
      });
      expect(contactNote.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const partnerPost = await m.gql(partner, POST_ONLY, { input: { threadId, body: 'hi' } });
      expect(partnerPost.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('posts once under 20 concurrent retries with the same client id, and refuses the id for other content', async () => {
      const customer = await m.customer();
      const contact = contactOf(customer);
      const threadId = general(customer);
      const input = { threadId, body: 'Where is my order?', clientMutationId: 'Retry-Key-1' };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          m.gql<{ postComment: { comment: { id: string } } }>(contact, POST_ONLY, { input }),
        ),
      );
      expect(answers.map((a) => a.body.errors)).toEqual(answers.map(() => undefined));
      const ids = new Set(answers.map((a) => a.body.data?.postComment.comment.id));
      expect(ids.size).toBe(1);
      const rows = await m.running.db.manager.getRepository(CommentRow).findBy({ threadId });
      expect(rows).toHaveLength(1);
      const reused = await m.gql(contact, POST_ONLY, { input: { ...input, body: 'Other text' } });
      expect(reused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'idempotency-key-reused',
      });
      // Keys are exact tokens: another case is another key, and another author's key is theirs.
      const lower = await post(m, contact, { ...input, clientMutationId: 'retry-key-1' });
      expect(ids.has(lower.id)).toBe(false);
      const other = await post(m, contactOf(customer), input);
      expect(ids.has(other.id)).toBe(false);
      expect(await m.running.db.manager.getRepository(CommentRow).countBy({ threadId })).toBe(3);
      const posted = (await m.events()).filter(
        (e) => e.type === 'comment.posted' && e.aggregateId === threadId,
      );
      expect(posted).toHaveLength(3);
    });

    it('lets only the author edit or delete within the window, keeping the history for staff', async () => {
      const threadId = general(acme);
      const mine = await post(m, alice, { threadId, body: 'First draft' });
      const notMine = await m.gql(bob, EDIT, { input: { commentId: mine.id, body: 'hijack' } });
      expect(notMine.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const staffEdit = await m.gql(STAFF, EDIT, { input: { commentId: mine.id, body: 'x' } });
      expect(staffEdit.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const edited = await m.gql<{ editComment: { comment: { body: string; editedAt: string } } }>(
        alice,
        EDIT,
        { input: { commentId: mine.id, body: ' Second draft ' } },
      );
      expect(edited.body.data?.editComment.comment.body).toBe('Second draft');
      const history = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Comment { body revisions { revision body change } } } }`;
      const forStaff = await m.gql<{ _entities: Array<{ revisions: unknown[] }> }>(STAFF, history, {
        r: [{ __typename: 'Comment', id: mine.id }],
      });
      expect(forStaff.body.data?._entities[0]).toEqual({
        body: 'Second draft',
        revisions: [{ revision: 1, body: 'First draft', change: 'edited' }],
      });
      const forContact = await m.gql(alice, history, {
        r: [{ __typename: 'Comment', id: mine.id }],
      });
      expect(forContact.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(forContact.body)).not.toContain('First draft');

      const deleted = await m.gql<{ deleteComment: { comment: { body: string | null } } }>(
        alice,
        DELETE,
        { input: { commentId: mine.id } },
      );
      expect(deleted.body.data?.deleteComment.comment.body).toBeNull();
      const afterDelete = await m.gql<{ _entities: Array<{ revisions: unknown[] }> }>(
        STAFF,
        history,
        {
          r: [{ __typename: 'Comment', id: mine.id }],
        },
      );
      expect(afterDelete.body.data?._entities[0]).toEqual({
        body: null,
        revisions: [
          { revision: 1, body: 'First draft', change: 'edited' },
          { revision: 2, body: 'Second draft', change: 'deleted' },
        ],
      });

      const late = await post(m, alice, { threadId, body: 'Too late to change' });
      await m.running.db.manager
        .getRepository(CommentRow)
        .update({ id: late.id }, { createdAt: new Date(Date.now() - 901_000) });
      for (const [query, input] of [
        [EDIT, { commentId: late.id, body: 'changed' }],
        [DELETE, { commentId: late.id }],
      ] as const) {
        const refused = await m.gql(alice, query, { input });
        expect(refused.body.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          reason: 'edit-window-closed',
        });
      }
      const kept = await m.running.db.manager
        .getRepository(CommentRow)
        .findOneByOrFail({ id: late.id });
      expect([kept.body, kept.deletedAt]).toEqual(['Too late to change', null]);
      const types = (await m.events())
        .filter((e) => (e.payload as { commentId?: string }).commentId === mine.id)
        .map((e) => e.type);
      expect(types).toEqual(['comment.posted', 'comment.edited', 'comment.deleted']);
    });

    it("lists a customer's threads with their timelines in as many statements for 6 threads as for 2", async () => {
      const customer = await m.customer();
      const contact = contactOf(customer);
      const invoices = Array.from(
        { length: 6 },
        (_, i) => `5e1f0000-0000-4000-8000-00000000000${i}`,
      );
      for (const [i, invoiceId] of invoices.entries()) {
        await m.producerEvent('billing', 'invoice.issued', {
          invoiceId,
          customerId: customer,
          number: `INV-N-${i}`,
        });
        await post(m, contact, { threadId: `invoice:${invoiceId}`, body: `About ${i}` });
        await post(m, STAFF, {
          threadId: `invoice:${invoiceId}`,
          body: 'Note',
          kind: 'INTERNAL_NOTE',
        });
      }
      const query = `query ($r: [_Any!]!, $n: Int!) { _entities(representations: $r) { ... on Customer {
        threads(first: $n) { nodes { id subjectLabel unreadCount commentCount readUpToPosition
          comments(last: 5) { nodes { id body author { id } thread { id } attachments { id } } pageInfo { hasPreviousPage } } } }
      } } }`;
      const count = async (n: number) => {
        const before = m.queries.length;
        const answer = await m.gql<{
          _entities: Array<{
            threads: { nodes: Array<{ comments: { nodes: Array<{ body: string }> } }> };
          }>;
        }>(contact, query, { r: [{ __typename: 'Customer', id: customer }], n });
        const nodes = answer.body.data!._entities[0]!.threads.nodes;
        expect(nodes).toHaveLength(n);
        // The customer's side never sees the notes, in any thread of the list.
        expect(nodes.every((t) => t.comments.nodes.length === 2)).toBe(true);
        // The outbox's own sequencer polls meanwhile: only the request's statements count.
        return m.queries
          .slice(before)
          .filter((sql) => /^\s*SELECT/i.test(sql) && !/event_|schema_migrations/.test(sql)).length;
      };
      expect(await count(6)).toBe(await count(2));
    });

    it('pages the timeline both ways with cursors', async () => {
      const customer = await m.customer();
      const contact = contactOf(customer);
      const threadId = general(customer);
      const posted = [];
      for (let i = 1; i <= 7; i++) posted.push(await post(m, contact, { threadId, body: `m${i}` }));
      const page = (args: string) =>
        m
          .gql<{
            thread: {
              comments: {
                nodes: Array<{ body: string }>;
                pageInfo: {
                  startCursor: string;
                  endCursor: string;
                  hasNextPage: boolean;
                  hasPreviousPage: boolean;
                };
              };
            };
          }>(
            contact,
            `query ($id: ID!) { thread(id: $id) { comments${args ? `(${args})` : ''} { nodes { body } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } }`,
            { id: threadId },
          )
          .then((r) => r.body.data!.thread.comments);
      const latest = await page('');
      expect(latest.nodes.map((n) => n.body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
      const first = await page('first: 3');
      expect(first.nodes.map((n) => n.body)).toEqual(['m1', 'm2', 'm3']);
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const next = await page(`first: 3, after: "${first.pageInfo.endCursor}"`);
      expect(next.nodes.map((n) => n.body)).toEqual(['m4', 'm5', 'm6']);
      const end = await page(`first: 3, after: "${next.pageInfo.endCursor}"`);
      expect(end.nodes.map((n) => n.body)).toEqual(['m7']);
      expect(end.pageInfo.hasNextPage).toBe(false);
      const last = await page('last: 3');
      expect(last.nodes.map((n) => n.body)).toEqual(['m5', 'm6', 'm7']);
      expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const earlier = await page(`last: 3, before: "${last.pageInfo.startCursor}"`);
      expect(earlier.nodes.map((n) => n.body)).toEqual(['m2', 'm3', 'm4']);
      expect(earlier.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const bad = await m.gql(
        contact,
        `query ($id: ID!) { thread(id: $id) { comments(after: "nope") { nodes { id } } } }`,
        {
          id: threadId,
        },
      );
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(posted).toHaveLength(7);
    });

    it('counts unread per person and thread, and never moves a read position backwards', async () => {
      const customer = await m.customer();
      const carol = contactOf(customer);
      const dave = contactOf(customer);
      const threadId = general(customer);
      const c1 = await post(m, STAFF, { threadId, body: 'one' });
      const c2 = await post(m, STAFF, { threadId, body: 'two' });
      await post(m, carol, { threadId, body: 'mine' });
      const c4 = await post(m, STAFF, { threadId, body: 'four' });
      const unread = async (p: Principal) =>
        (await m.gql<ThreadAnswer>(p, THREAD, { id: threadId })).body.data?.thread.unreadCount;
      expect(await unread(carol)).toBe(3);
      expect(await unread(dave)).toBe(4);
      const marked = await m.gql<{
        markThreadRead: { readUpToPosition: number; thread: { unreadCount: number } };
      }>(carol, MARK, { input: { threadId, upToCommentId: c2.id } });
      expect(marked.body.data?.markThreadRead).toEqual({
        readUpToPosition: 2,
        thread: { id: threadId, unreadCount: 1 },
      });
      const back = await m.gql<{ markThreadRead: { readUpToPosition: number } }>(carol, MARK, {
        input: { threadId, upToCommentId: c1.id },
      });
      expect(back.body.data?.markThreadRead.readUpToPosition).toBe(2);
      expect(await unread(carol)).toBe(1);
      expect(await unread(dave)).toBe(4);
      await m.gql(carol, MARK, { input: { threadId, upToCommentId: c4.id } });
      expect(await unread(carol)).toBe(0);
      const foreign = await m.gql(lucia, MARK, { input: { threadId, upToCommentId: c4.id } });
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const reads = (await m.events()).filter(
        (e) => e.type === 'thread.read' && e.aggregateId === threadId,
      );
      expect(reads.map((e) => e.payload)).toEqual([
        {
          threadId,
          customerId: customer,
          reader: { kind: 'contact', contactId: (carol as { contactId: string }).contactId },
          upToPosition: 2,
        },
        {
          threadId,
          customerId: customer,
          reader: { kind: 'contact', contactId: (carol as { contactId: string }).contactId },
          upToPosition: 4,
        },
      ]);
    });

    it("lists threads waiting for the business's reply, oldest first, and assigns them", async () => {
      const first = await m.customer();
      const second = await m.customer();
      await post(m, contactOf(first), { threadId: general(first), body: 'Question one' });
      // Apart by more than the clock's millisecond, so "oldest first" decides the order.
      await new Promise((r) => setTimeout(r, 20));
      await post(m, contactOf(second), { threadId: general(second), body: 'Question two' });
      const inbox = async (args = '') =>
        (
          await m.gql<{ inbox: { nodes: Array<{ id: string }> } }>(
            STAFF,
            `{ inbox(first: 100${args}) { nodes { id waitingSince assignee { id } } } }`,
          )
        ).body.data!.inbox.nodes.map((n) => n.id);
      const waiting = await inbox();
      expect(waiting.indexOf(general(first))).toBeLessThan(waiting.indexOf(general(second)));
      await post(m, STAFF, {
        threadId: general(first),
        body: 'Internal only',
        kind: 'INTERNAL_NOTE',
      });
      expect(await inbox()).toContain(general(first));
      await post(m, STAFF, { threadId: general(first), body: 'Answered' });
      expect(await inbox()).not.toContain(general(first));
      const assign = await m.gql<{ assignThread: { thread: { assignee: { id: string } } } }>(
        STAFF,
        'mutation ($input: AssignThreadInput!) { assignThread(input: $input) { thread { assignee { id } } } }',
        { input: { threadId: general(second), staffUserId: 'staff-2' } },
      );
      expect(assign.body.data?.assignThread.thread.assignee).toEqual({ id: 'staff-2' });
      expect(await inbox(', assignedTo: "staff-2"')).toEqual([general(second)]);
      expect(await inbox(', unassigned: true')).not.toContain(general(second));
      const contactTries = await m.gql(alice, '{ inbox { nodes { id } } }');
      expect(contactTries.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const assigned = (await m.events()).filter((e) => e.type === 'thread.assigned');
      expect(assigned.map((e) => e.payload)).toEqual([
        { threadId: general(second), customerId: second, assigneeStaffUserId: 'staff-2' },
      ]);
      const next = await post(m, contactOf(second), { threadId: general(second), body: 'More' });
      const posted = (await m.events()).find(
        (e) => (e.payload as { commentId?: string }).commentId === next.id,
      );
      expect(posted?.payload).toMatchObject({ assigneeStaffUserId: 'staff-2' });
    });

    it('attaches only documents the customer can see', async () => {
      const documentId = '6c8d3f0e-1111-4a5b-9c3d-000000000001';
      const foreignDocument = '6c8d3f0e-1111-4a5b-9c3d-000000000002';
      const shared = (id: string, customerId: string) =>
        m.producerEvent('documents', 'document.shared', {
          documentId: id,
          customerId,
          title: 'Terms',
          category: 'contract',
          version: 1,
          fileName: 'terms.pdf',
          actor: { kind: 'business' },
          attachedTo: null,
          acknowledgementRequired: false,
        });
      await shared(documentId, acme);
      await shared(foreignDocument, globex);
      const ok = await m.gql<{ postComment: { comment: { attachments: Array<{ id: string }> } } }>(
        alice,
        'mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { attachments { id } } } }',
        { input: { threadId: general(acme), body: 'See attached', attachmentIds: [documentId] } },
      );
      expect(ok.body.data?.postComment.comment.attachments).toEqual([{ id: documentId }]);
      for (const attachmentIds of [[foreignDocument], ['6c8d3f0e-1111-4a5b-9c3d-00000000ffff']]) {
        const refused = await m.gql(alice, POST_ONLY, {
          input: { threadId: general(acme), body: 'See attached', attachmentIds },
        });
        expect(refused.body.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          reason: 'attachment-not-found',
        });
      }
    });

    it('publishes comment.posted with the thread, subject and author but never the text', async () => {
      const customer = await m.customer();
      const contact = contactOf(customer) as { contactId: string } & Principal;
      const comment = await post(m, contact, {
        threadId: general(customer),
        body: 'A secret text 7f3a',
      });
      const note = await post(m, STAFF, {
        threadId: general(customer),
        body: 'A secret note 9b2c',
        kind: 'INTERNAL_NOTE',
      });
      const events = await m.events();
      expect(JSON.stringify(events)).not.toMatch(/secret (text|note)/);
      // Served on the feed other services follow, at the kit's path.
      const feed = m.running.url.replace(/\/graphql$/, EVENTS_FEED_PATH);
      expect(await fetchFeedHead(feed, TEST_CLAIMS_SECRET, 5_000)).toBe(events.at(-1)!.position);
      const mine = events.filter((e) => e.aggregateId === general(customer));
      expect(mine.map((e) => [e.producer, e.type, e.aggregateType, e.customerId])).toEqual([
        ['messaging', 'comment.posted', 'thread', customer],
        ['messaging', 'comment.posted', 'thread', customer],
      ]);
      expect(mine.map((e) => e.payload)).toEqual([
        {
          commentId: comment.id,
          threadId: general(customer),
          customerId: customer,
          position: 1,
          subject: { kind: 'general', id: null, label: null },
          kind: 'message',
          author: { kind: 'contact', contactId: contact.contactId },
          assigneeStaffUserId: null,
          systemType: null,
        },
        {
          commentId: note.id,
          threadId: general(customer),
          customerId: customer,
          position: 2,
          subject: { kind: 'general', id: null, label: null },
          kind: 'internal_note',
          author: { kind: 'staff', staffUserId: 'staff-1' },
          assigneeStaffUserId: null,
          systemType: null,
        },
      ]);
    });
  },
);

const POST_ONLY = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } } }`;
