import { createConnection, type Connection } from 'mysql2/promise';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { startFakeStripe, type FakeStripe } from '../../services/billing/test/fake-stripe';
import { haproxyVersion, serverName, startHaproxy, type Haproxy } from './haproxy';
import {
  ask,
  ResumingSubscriber,
  internalErrors,
  Tally,
  untilFinal,
  type Answer,
  type LiveItem,
} from './multi-instance-load';
import {
  PROCESS_NAMES,
  startSuiteProcesses,
  SUBGRAPH_NAMES,
  type ProcessName,
  type Suite,
} from './suite-processes';

/**
 * Two gateways and two instances of every subgraph behind one HAProxy, on
 * MariaDB (a database per service) and Redis (events over Streams, live
 * fan-out over pub/sub). While clients load the portal through HAProxy, one
 * instance of each kind is killed and started again in turn. Nothing may be
 * lost or done twice: one charge per payment, one comment per post, one
 * decision per quote, every comment delivered once and in order to every
 * subscriber; page loads fail only while an instance is down.
 */

const THREAD = `general:${DEMO_CUSTOMER_IDS.acme}`;
const DASHBOARD = `query ($customerId: ID!) {
  viewer { kind contact { name } }
  customer(id: $customerId) {
    companyName
    balance { currency outstanding { amount } }
    invoices(first: 10) { nodes { id number status balanceDue { amount } } }
    quotes(first: 10) { nodes { id number status } }
    purchaseOrders(first: 10) { nodes { id number status } }
    threads(first: 10) { nodes { id } }
  }
}`;
const PAY = `mutation ($input: PayInvoicesInput!) { payInvoices(input: $input) {
  succeeded failure { code } payment { id status } } }`;
const POST = `mutation ($input: PostCommentInput!) { postComment(input: $input) { comment { id body } } }`;
const ACCEPT = `mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { quote { id status } } }`;
const DECLINE = `mutation ($input: DeclineQuoteInput!) { declineQuote(input: $input) { quote { id status } } }`;
const COMMENT_ADDED = `subscription ($threadId: ID!, $after: String) {
  commentAdded(threadId: $threadId, after: $after) { cursor comment { id body } } }`;
const THREAD_ACTIVITY = `subscription ($threadId: ID, $after: String) {
  threadActivity(threadId: $threadId, after: $after) { cursor change comment { id body } } }`;

const INVOICES = 40;
const QUOTES = 20;
/** A thread page holds 100 comments: the check reads the whole thread in one. */
const MAX_COMMENTS = 90;
/** How long an instance stays dead before it is started again. */
const DOWN_MS = 2_000;
/** After HAProxy sees the instance up again, the window stays open this long (in-flight requests). */
const SETTLE_MS = 1_000;

const mariadb = testing.databaseTargets(process.env).find((t) => t.name === 'mariadb');
const redisUrl = testing.redisUrlForTests(process.env);
const runs = mariadb !== undefined && redisUrl !== null;

interface Window {
  label: string;
  from: number;
  to: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(200);
  }
}

function data<T>(answer: Answer, what: string): T {
  if (!answer.data || answer.errors.length) {
    throw new Error(`${what} failed: ${JSON.stringify(answer).slice(0, 400)}`);
  }
  return answer.data as T;
}

(runs ? describe : describe.skip)(
  'two of every process behind HAProxy, on MariaDB and Redis',
  () => {
    let haproxy: Haproxy | undefined;
    let suite: Suite | undefined;
    let fake: FakeStripe;
    const databases = new Map<string, { url: string; drop(): Promise<void> }>();
    let gatewayUrl: string;
    let alice: string;
    let admin: string;

    beforeAll(async () => {
      // Fails, never skips, without HAProxy: CI installs it.
      expect(haproxyVersion()).toMatch(/^2\./);
      fake = await startFakeStripe({ delayMs: 1_000, listeners: 2 });
      for (const name of SUBGRAPH_NAMES) {
        const created = await mariadb!.create(`mi_${name}`);
        if (created.config.driver !== 'mysql') throw new Error('expected a MariaDB database');
        databases.set(name, { url: created.config.url, drop: created.drop });
      }
      const processEnv: Partial<Record<ProcessName, Record<string, string>>> = {
        gateway: {
          RATE_LIMIT_CONTACT_PER_MINUTE: '100000',
          RATE_LIMIT_STAFF_PER_MINUTE: '100000',
        },
      };
      for (const [name, db] of databases) processEnv[name as ProcessName] = { DB_URL: db.url };
      processEnv.billing = {
        ...processEnv.billing,
        PAYMENTS_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_portico',
        STRIPE_WEBHOOK_SECRET: 'whsec_test_portico_0123456789',
        PAYMENTS_RECONCILE_INTERVAL_MS: '1000',
        PAYMENTS_RECONCILE_AFTER_MS: '3000',
      };
      suite = await startSuiteProcesses({
        redisUrl: redisUrl!,
        instances: 2,
        processEnv,
        // Each billing instance calls Stripe at its own address: a charge in flight names its caller.
        instanceEnv: (name, instance): Record<string, string> =>
          name === 'billing' ? { STRIPE_API_BASE: fake.urls[instance]! } : {},
        front: async (addresses) => {
          haproxy = await startHaproxy(addresses);
          return haproxy.urls as ReadonlyMap<ProcessName, string>;
        },
      });
      // An internal error is retried like an outage, but what the processes
      // logged for it is printed, so the cause can be read off the run.
      internalErrors.onInternalError = (requestId) => {
        const lines = [...suite!.instances.values()].flat().flatMap((proc) =>
          proc
            .output()
            .split('\n')
            .filter((line) => line.includes(requestId))
            .map((line) => `${proc.name}-${proc.instance + 1}: ${line}`),
        );
        console.log(`multi-instance: internal error ${requestId}\n${lines.join('\n')}`);
      };
      for (const name of PROCESS_NAMES) {
        for (const instance of [0, 1])
          await haproxy!.waitFor(name, serverName(name, instance), 'UP');
      }
      gatewayUrl = `${haproxy!.urls.get('gateway')}/graphql`;
      const signIn = async (mutation: string, email: string, password: string) =>
        data<Record<string, { accessToken: string }>>(
          await ask(
            gatewayUrl,
            '',
            `mutation ($input: SignInInput!) { ${mutation}(input: $input) { accessToken } }`,
            { input: { email, password } },
          ),
          mutation,
        )[mutation]!.accessToken;
      alice = await signIn('signIn', 'alice@acme.example', 'acme-demo-password');
      admin = await signIn('signInStaff', 'admin@portico.example', 'admin-demo-password');
    }, 180_000);

    afterAll(async () => {
      await suite?.stop();
      await haproxy?.stop();
      await fake?.close();
      for (const db of databases.values()) await db.drop();
    }, 60_000);

    async function commentIdsOf(threadId: string): Promise<string[]> {
      const connection = await createConnection({ uri: databases.get('messaging')!.url });
      try {
        const [rows] = await connection.query('SELECT id FROM comments WHERE threadId = ?', [
          threadId,
        ]);
        return (rows as Array<{ id: string }>).map((r) => r.id);
      } finally {
        await connection.end();
      }
    }

    async function issueInvoice(i: number): Promise<string> {
      const created = data<{ createInvoice: { invoice: { id: string } } }>(
        await ask(
          gatewayUrl,
          admin,
          'mutation ($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id } } }',
          {
            input: {
              customerId: DEMO_CUSTOMER_IDS.acme,
              currency: 'GBP',
              dueDate: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
              allowPartialPayment: true,
              lines: [{ description: `Load ${i}`, quantity: '1', unitPrice: `${10 + i}.00` }],
            },
          },
        ),
        'createInvoice',
      );
      const id = created.createInvoice.invoice.id;
      data(
        await ask(
          gatewayUrl,
          admin,
          'mutation ($id: ID!) { issueInvoice(input: { id: $id }) { invoice { id } } }',
          { id },
        ),
        'issueInvoice',
      );
      return id;
    }

    async function sendQuote(i: number): Promise<string> {
      const created = data<{ createQuote: { quote: { id: string } } }>(
        await ask(
          gatewayUrl,
          admin,
          'mutation ($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id } } }',
          {
            input: {
              customerId: DEMO_CUSTOMER_IDS.acme,
              currency: 'GBP',
              expiryDate: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
              terms: 'Valid 20 days',
              lines: [{ description: `Quote ${i}`, quantity: '1', unitPrice: '100.00' }],
            },
          },
        ),
        'createQuote',
      );
      const id = created.createQuote.quote.id;
      data(
        await ask(
          gatewayUrl,
          admin,
          'mutation ($id: ID!) { sendQuote(input: { id: $id }) { quote { id } } }',
          { id },
        ),
        'sendQuote',
      );
      return id;
    }

    it('loses nothing and does nothing twice while one instance of each kind is killed and restarted in turn', async () => {
      const started = Date.now();
      const inBatches = async (count: number, make: (i: number) => Promise<string>) => {
        const made: string[] = [];
        for (let i = 0; i < count; i += 4) {
          const batch = [i, i + 1, i + 2, i + 3].filter((n) => n < count);
          made.push(...(await Promise.all(batch.map(make))));
        }
        return made;
      };
      const invoices = await inBatches(INVOICES, issueInvoice);
      const quotes = await inBatches(QUOTES, sendQuote);
      const intentsBefore = fake.intents.length;
      // The demo's own messages in the thread (a welcome), there before any post.
      const seeded = await commentIdsOf(THREAD);

      // Subscribers first, and a warm-up comment each has received: from then on
      // every comment of the thread must reach each of them.
      const pickComment = (data: Record<string, unknown>) => {
        const event = data.commentAdded as {
          cursor: string;
          comment: { id: string; body: string };
        };
        return {
          cursor: event.cursor,
          comment: { cursor: event.cursor, commentId: event.comment.id, body: event.comment.body },
        };
      };
      const pickActivity = (data: Record<string, unknown>) => {
        const event = data.threadActivity as {
          cursor: string;
          change: string;
          comment: { id: string; body: string } | null;
        };
        return {
          cursor: event.cursor,
          comment:
            event.change === 'comment.posted' && event.comment
              ? { cursor: event.cursor, commentId: event.comment.id, body: event.comment.body }
              : null,
        };
      };
      const subscribers = [
        new ResumingSubscriber({
          url: gatewayUrl,
          token: alice,
          query: COMMENT_ADDED,
          variables: { threadId: THREAD },
          pick: pickComment,
        }),
        new ResumingSubscriber({
          url: gatewayUrl,
          token: admin,
          query: COMMENT_ADDED,
          variables: { threadId: THREAD },
          pick: pickComment,
        }),
        new ResumingSubscriber({
          url: gatewayUrl,
          token: alice,
          query: THREAD_ACTIVITY,
          variables: { threadId: THREAD },
          pick: pickActivity,
        }),
      ];
      for (const s of subscribers) s.start();
      const posted: Array<{ id: string; body: string; key: string; retries: string[] }> = [];
      let posts = 0;
      const postComment = async (token: string, who: string) => {
        posts += 1;
        const key = `mi-${who}-${posts}-${Date.now()}`;
        const body = `${who} #${posts}`;
        const { answer, retries } = await untilFinal(() =>
          ask(gatewayUrl, token, POST, {
            input: { threadId: THREAD, body, clientMutationId: key },
          }),
        );
        const comment = data<{ postComment: { comment: { id: string; body: string } } }>(
          answer,
          `postComment ${key} after ${retries.join(',')}`,
        ).postComment.comment;
        posted.push({ ...comment, key, retries });
        return comment;
      };
      await postComment(admin, 'warm-up');
      // A subscription made before its upstream is up misses the warm-up: post again until all have one.
      await waitUntil(
        'every subscriber receiving a warm-up comment',
        async () => {
          if (subscribers.every((s) => s.items.length > 0)) return true;
          await postComment(admin, 'warm-up');
          await sleep(500);
          return false;
        },
        60_000,
      );
      const firstSeen = subscribers.map((s) => s.items[0]!.commentId);

      // The kill windows: a request that starts or ends in one is counted in it.
      const windows: Window[] = [];
      const windowOf = (from: number, to: number) =>
        windows.find((w) => from <= w.to && to >= w.from)?.label ?? null;
      const dashboards = new Tally();
      const mutations = new Tally();
      let loading = true;

      const dashboardLoop = async () => {
        while (loading) {
          const from = Date.now();
          const answer = await ask(gatewayUrl, alice, DASHBOARD, {
            customerId: DEMO_CUSTOMER_IDS.acme,
          });
          const customer = (answer.data as { customer?: { invoices?: unknown } } | null)?.customer;
          const ok = answer.status === 200 && answer.errors.length === 0 && !!customer?.invoices;
          const reason = ok
            ? undefined
            : (answer.failure ??
              answer.errors.map((e) => e.extensions?.code ?? e.message).join(',') ??
              String(answer.status));
          dashboards.add(windowOf(from, Date.now()), ok, reason);
          await sleep(150);
        }
      };

      const paid: Array<{
        invoiceId: string;
        paymentId: string;
        status: string;
        retries: string[];
      }> = [];
      const unpaid = [...invoices];
      const payLoop = async () => {
        for (let invoiceId = unpaid.shift(); invoiceId; invoiceId = unpaid.shift()) {
          if (!loading) break;
          const key = `mi-pay-${invoiceId}`;
          const from = Date.now();
          const { answer, retries } = await untilFinal(() =>
            ask(gatewayUrl, alice, PAY, {
              input: {
                invoices: [{ invoiceId }],
                paymentMethod: 'pm_card_visa',
                idempotencyKey: key,
              },
            }),
          );
          const result = data<{
            payInvoices: { succeeded: boolean; payment: { id: string; status: string } };
          }>(answer, `payInvoices ${invoiceId} after ${retries.join(',')}`).payInvoices;
          paid.push({
            invoiceId,
            paymentId: result.payment.id,
            status: result.payment.status,
            retries,
          });
          mutations.add(windowOf(from, Date.now()), retries.length === 0, retries.join(','));
          // Paced so that payments last through both rounds of restarts.
          await sleep(4_000);
        }
      };

      const decided: Array<{ quoteId: string; want: string; answer: string; retries: string[] }> =
        [];
      const decideLoop = async () => {
        for (const [i, quoteId] of quotes.entries()) {
          if (!loading) break;
          const accept = i % 2 === 0;
          const from = Date.now();
          const { answer, retries } = await untilFinal(() =>
            accept
              ? ask(gatewayUrl, alice, ACCEPT, {
                  input: {
                    id: quoteId,
                    revision: 1,
                    signerName: 'Alice Archer',
                    acceptTerms: true,
                  },
                })
              : ask(gatewayUrl, alice, DECLINE, {
                  input: { id: quoteId, revision: 1, reasonCode: 'PRICE', reason: 'Too dear' },
                }),
          );
          const refusal = answer.errors[0]?.extensions?.reason;
          const status = (
            answer.data as Record<string, { quote: { status: string } } | null> | null
          )?.[accept ? 'acceptQuote' : 'declineQuote']?.quote.status;
          decided.push({
            quoteId,
            want: accept ? 'ACCEPTED' : 'DECLINED',
            answer: status ?? `refused:${refusal ?? answer.errors[0]?.message}`,
            retries,
          });
          mutations.add(windowOf(from, Date.now()), retries.length === 0, retries.join(','));
          await sleep(1_500);
        }
      };

      const postLoop = async (token: string, who: string) => {
        while (loading && posts < MAX_COMMENTS) {
          const from = Date.now();
          const before = posted.length;
          await postComment(token, who);
          mutations.add(windowOf(from, Date.now()), posted[before]!.retries.length === 0);
          await sleep(700);
        }
      };

      // One instance of each kind, in turn: killed, down a while, started
      // again, and the next once HAProxy's checks see it up. Billing goes
      // while one of its charges is in flight at Stripe.
      const kills: Array<{
        label: string;
        downMs: number;
        restartMs: number;
        chargesInFlight?: number;
      }> = [];
      const cycle = async (name: ProcessName, instance: number, signal: 'SIGKILL' | 'SIGTERM') => {
        const proc = suite!.instances.get(name)![instance]!;
        const label = `${signal === 'SIGKILL' ? 'kill' : 'term'} ${name}-${instance + 1}`;
        let chargesInFlight: number | undefined;
        if (name === 'billing') {
          await waitUntil(
            `a charge in flight from ${label}`,
            () => fake.inFlight(instance) > 0,
            30_000,
          );
          chargesInFlight = fake.inFlight(instance);
        }
        const window: Window = { label, from: Date.now(), to: Number.POSITIVE_INFINITY };
        windows.push(window);
        proc.child.kill(signal);
        await proc.exited;
        await haproxy!.waitFor(name, serverName(name, instance), 'DOWN', 30_000);
        const downAt = Date.now();
        if (signal === 'SIGKILL') await sleep(DOWN_MS);
        const restarting = Date.now();
        await suite!.restart(proc);
        await haproxy!.waitFor(name, serverName(name, instance), 'UP', 60_000);
        kills.push({
          label,
          downMs: downAt - window.from,
          restartMs: Date.now() - restarting,
          chargesInFlight,
        });
        await sleep(SETTLE_MS);
        window.to = Date.now();
        await sleep(500);
      };
      const retryReasons = () => {
        const counts = new Map<string, number>();
        for (const r of [...paid, ...decided, ...posted].flatMap((x) => x.retries)) {
          counts.set(r, (counts.get(r) ?? 0) + 1);
        }
        return [...counts].map(([r, n]) => `${r} x${n}`).join(', ') || 'nothing';
      };
      const summary = () => {
        const outside = dashboards.get('-');
        const perWindow = windows.map((w) => ({ label: w.label, ...dashboards.get(w.label) }));
        const dash = dashboards.total();
        const retried = mutations.total();
        console.log(
          `multi-instance: ${Math.round((Date.now() - started) / 1000)} s; ` +
            `dashboard ${dash.ok} ok / ${dash.failed} failed (outside windows ${outside.ok}/${outside.failed}); ` +
            `per window ${perWindow.map((w) => `${w.label} ${w.ok}/${w.failed}${w.reasons.length ? ` [${[...new Set(w.reasons)].join(';')}]` : ''}`).join(', ')}; ` +
            `mutations ${retried.ok} first try / ${retried.failed} retried; ` +
            `payments ${paid.length} (${paid.filter((p) => p.retries.length).length} retried), ` +
            `charges ${fake.intents.length - intentsBefore}, replays ${fake.replays}; ` +
            `quotes ${decided.length} (${decided.filter((d) => d.retries.length).length} retried, answers ${[...new Set(decided.map((d) => d.answer))].join('/')}); ` +
            `comments ${posted.length} (${posted.filter((p) => p.retries.length).length} retried); ` +
            `subscribers ${subscribers.map((s) => `${s.items.length} items, ${s.ends.length} resumes`).join('; ')}; ` +
            `retried on ${retryReasons()}; ` +
            `load errors ${loadErrors.length ? loadErrors.join(' | ') : 'none'}; ` +
            `cycles ${kills.map((k) => `${k.label} down after ${k.downMs} ms, up ${k.restartMs} ms after restart${k.chargesInFlight ? `, ${k.chargesInFlight} charge(s) in flight` : ''}`).join('; ')}`,
        );
      };
      const loadErrors: string[] = [];
      const load = [
        dashboardLoop(),
        dashboardLoop(),
        payLoop(),
        payLoop(),
        decideLoop(),
        postLoop(alice, 'alice'),
        postLoop(admin, 'admin'),
      ].map((loop) =>
        loop.catch((error: unknown) => {
          loadErrors.push((error as Error).message);
        }),
      );

      try {
        for (const [k, name] of PROCESS_NAMES.entries()) await cycle(name, k % 2, 'SIGKILL');
        // A rolling restart, the other instance of each this time: drained, then started again.
        for (const [k, name] of PROCESS_NAMES.entries()) await cycle(name, (k + 1) % 2, 'SIGTERM');
        // A quiet stretch outside every window: nothing may fail there.
        await sleep(3_000);
        loading = false;
        await Promise.all(load);
        expect(loadErrors).toEqual([]);
        // Payments: each settled (a charge whose answer was cut off is reconciled from Stripe).
        const billing: Connection = await createConnection({ uri: databases.get('billing')!.url });
        const messaging: Connection = await createConnection({
          uri: databases.get('messaging')!.url,
        });
        const sales: Connection = await createConnection({ uri: databases.get('sales')!.url });
        try {
          await waitUntil(
            'every payment settled',
            async () => {
              const [rows] = await billing.query(
                `SELECT COUNT(*) AS n FROM payments WHERE state <> 'succeeded' AND id IN (?)`,
                [paid.map((p) => p.paymentId)],
              );
              return Number((rows as Array<{ n: number }>)[0]!.n) === 0;
            },
            60_000,
          );
          expect(paid.length).toBeGreaterThanOrEqual(6);
          for (const { invoiceId, paymentId } of paid) {
            const [allocations] = await billing.query(
              'SELECT paymentId FROM payment_allocations WHERE invoiceId = ?',
              [invoiceId],
            );
            expect((allocations as Array<{ paymentId: string }>).map((a) => a.paymentId)).toEqual([
              paymentId,
            ]);
            expect(
              fake.intents.filter((i) => i.metadata.portico_payment_id === paymentId),
            ).toHaveLength(1);
            const [invoice] = await billing.query(
              'SELECT state, paidMinor, totalMinor FROM invoices WHERE id = ?',
              [invoiceId],
            );
            const row = (
              invoice as Array<{ state: string; paidMinor: number; totalMinor: number }>
            )[0]!;
            expect([row.state, Number(row.paidMinor)]).toEqual(['sent', Number(row.totalMinor)]);
          }
          // No charge for anything else: one PaymentIntent per payment made.
          expect(fake.intents.length - intentsBefore).toBe(paid.length);

          // Quote decisions: each applied once, as asked.
          expect(decided.length).toBeGreaterThanOrEqual(6);
          for (const { quoteId, want } of decided) {
            const [rows] = await sales.query('SELECT kind FROM quote_decisions WHERE quoteId = ?', [
              quoteId,
            ]);
            expect((rows as Array<{ kind: string }>).map((r) => r.kind)).toEqual([
              want.toLowerCase(),
            ]);
            const [quote] = await sales.query('SELECT state FROM quotes WHERE id = ?', [quoteId]);
            expect((quote as Array<{ state: string }>)[0]!.state).toBe(want.toLowerCase());
          }

          // Comments: each post stored once, under its own key.
          const [stored] = await messaging.query(
            `SELECT c.id, c.body, c.kind, c.idempotencyKey FROM comments c WHERE c.threadId = ? ORDER BY c.position`,
            [THREAD],
          );
          const storedRows = stored as Array<{ id: string; body: string }>;
          for (const post of posted) {
            expect(storedRows.filter((r) => r.body === post.body).map((r) => r.id)).toEqual([
              post.id,
            ]);
          }
          // And nothing else in the thread: no post of another key, no system item.
          const known = new Set([...seeded, ...posted.map((p) => p.id)]);
          expect(storedRows.filter((r) => !known.has(r.id))).toEqual([]);
        } finally {
          await billing.end();
          await messaging.end();
          await sales.end();
        }

        // Subscribers: every comment from their first one on, once each, in the stored order.
        const timeline = data<{ thread: { comments: { nodes: Array<{ id: string }> } } }>(
          await ask(
            gatewayUrl,
            admin,
            'query ($id: ID!) { thread(id: $id) { comments(last: 100) { nodes { id } } } }',
            { id: THREAD },
          ),
          'thread',
        ).thread.comments.nodes.map((n) => n.id);
        expect(timeline.length).toBe(seeded.length + posted.length);
        await waitUntil(
          'every subscriber holding the last comment',
          () => subscribers.every((s) => s.items.some((i) => i.commentId === timeline.at(-1))),
          30_000,
        );
        await sleep(1_000);
        for (const [i, s] of subscribers.entries()) {
          const from = timeline.indexOf(firstSeen[i]!);
          expect(from).toBeGreaterThanOrEqual(0);
          expect(s.items.map((item: LiveItem) => item.commentId)).toEqual(timeline.slice(from));
        }

        // Page loads fail only inside kill windows, and there only a few.
        const outside = dashboards.get('-');
        const perWindow = windows.map((w) => ({ label: w.label, ...dashboards.get(w.label) }));
        expect(outside.failed).toBe(0);
        expect(outside.ok).toBeGreaterThan(0);
        for (const w of perWindow) expect(w.failed).toBeLessThanOrEqual(10);
        expect(Date.now() - started).toBeLessThan(240_000);
      } finally {
        loading = false;
        summary();
        await Promise.all(load);
        await Promise.all(subscribers.map((s) => s.stop()));
      }
    }, 300_000);
  },
);
