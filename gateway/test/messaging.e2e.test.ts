import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startTestStack, type TestStack } from './stack-harness';

type Timeline = {
  invoice: {
    thread: {
      id: string;
      subjectLabel: string | null;
      unreadCount: number;
      comments: {
        nodes: Array<{
          kind: string;
          body: string | null;
          systemType: string | null;
          author: { id: string; kind: string; name: string } | null;
        }>;
      };
    } | null;
  };
};

const TIMELINE = `query ($id: ID!) {
  invoice(id: $id) {
    thread {
      id subjectLabel unreadCount
      comments(last: 50) { nodes { kind body systemType author { id kind name } } }
    }
  }
}`;
const POST = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id } } }`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'messaging through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let admin: string;
    beforeAll(async () => {
      stack = await startTestStack(target);
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
    });
    afterAll(() => stack?.stop());

    async function timeline(
      token: string,
      invoiceId: string,
    ): Promise<Timeline['invoice']['thread']> {
      const answer = await stack.query(TIMELINE, { token, variables: { id: invoiceId } });
      if (answer.body.errors) throw new Error(answer.text);
      return (answer.body.data as Timeline).invoice.thread;
    }

    it("talks about an invoice with the issue in its timeline and each author's name from accounts", async () => {
      const invoiceId = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice: '10.00',
      });
      // Messaging hears of the issue over billing's feed.
      let thread: Timeline['invoice']['thread'] = null;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        thread = await timeline(alice, invoiceId);
        if (thread?.comments.nodes.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(thread?.comments.nodes).toEqual([
        expect.objectContaining({ kind: 'SYSTEM', systemType: 'invoice.issued', author: null }),
      ]);
      const threadId = thread!.id;
      const asked = await stack.query(POST, {
        token: alice,
        variables: { input: { threadId, body: 'Can we pay in two parts?' } },
      });
      expect(asked.body.errors).toBeUndefined();
      for (const [kind, body] of [
        ['MESSAGE', 'Yes, of course.'],
        ['INTERNAL_NOTE', 'Agreed with finance.'],
      ]) {
        const posted = await stack.query(POST, {
          token: admin,
          variables: { input: { threadId, body, kind } },
        });
        expect(posted.body.errors).toBeUndefined();
      }
      const seen = await timeline(alice, invoiceId);
      expect(
        seen?.comments.nodes.map((c) => [c.kind, c.body, c.author?.kind, c.author?.name]),
      ).toEqual([
        ['SYSTEM', expect.stringContaining('was issued'), undefined, undefined],
        ['MESSAGE', 'Can we pay in two parts?', 'CONTACT', 'Alice Archer'],
        ['MESSAGE', 'Yes, of course.', 'STAFF', 'Portico Admin'],
      ]);
      expect(seen?.unreadCount).toBe(2);
      const forStaff = await timeline(admin, invoiceId);
      expect(forStaff?.comments.nodes.map((c) => c.kind)).toEqual([
        'SYSTEM',
        'MESSAGE',
        'MESSAGE',
        'INTERNAL_NOTE',
      ]);
      // The staff author is a name: no email, no roles, for the customer.
      const author = await stack.query(
        'query ($id: ID!) { invoice(id: $id) { thread { comments { nodes { author { ... on Author { id name } } } } } } }',
        { token: alice, variables: { id: invoiceId } },
      );
      expect(author.text).not.toContain('admin@portico.example');
      // Another customer's contact reaches neither the invoice's thread nor its text.
      const foreign = await stack.query(
        'query ($id: ID!) { thread(id: $id) { comments { nodes { body } } } }',
        { token: lucia, variables: { id: threadId } },
      );
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(foreign.text).not.toContain('two parts');
    });

    it("opens each demo customer's general conversation with the business's welcome", async () => {
      const answer = await stack.query(
        '{ viewer { customer { conversation { comments { nodes { kind body author { name } } } } } } }',
        { token: lucia },
      );
      expect(answer.body.errors).toBeUndefined();
      const nodes = (
        answer.body.data as {
          viewer: {
            customer: {
              conversation: {
                comments: { nodes: Array<{ kind: string; author: { name: string } }> };
              };
            };
          };
        }
      ).viewer.customer.conversation.comments.nodes;
      expect(nodes.map((n) => [n.kind, n.author.name])).toEqual([['MESSAGE', 'Portico Admin']]);
    });
  },
);
