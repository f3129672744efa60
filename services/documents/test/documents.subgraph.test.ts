import { createHash } from 'node:crypto';
import { testing } from '@portico/kit';
import { Document } from '../src/document/document.entity';
import {
  contactOf,
  partnerOf,
  pdfBytes,
  STAFF,
  startTestDocuments,
  type TestDocuments,
} from './documents-harness';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const SHARE = `mutation ($input: ShareDocumentInput!) {
  shareDocument(input: $input) { document { id } upload { url maxBytes } }
}`;
const SETTINGS = `mutation ($input: SetCustomerDocumentSettingsInput!) {
  setCustomerDocumentSettings(input: $input) { uploadsAllowed quotaBytes usedBytes }
}`;
const ACK = `mutation ($input: AcknowledgeDocumentInput!) {
  acknowledgeDocument(input: $input) { acknowledgement { id version } }
}`;

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  'documents subgraph on %s',
  (_name, target) => {
    let docs: TestDocuments;
    let acme: string;
    let globex: string;
    beforeAll(async () => {
      docs = await startTestDocuments(target);
      acme = await docs.customer({ companyName: 'Acme' });
      globex = await docs.customer({ companyName: 'Globex' });
    });
    afterAll(() => docs?.stop());

    async function share(
      customerId: string,
      extra: Record<string, unknown> = {},
    ): Promise<{ id: string; url: string; maxBytes: number }> {
      const answer = await docs.gql<{
        shareDocument: { document: { id: string }; upload: { url: string; maxBytes: number } };
      }>(STAFF, SHARE, {
        input: {
          customerId,
          title: 'Terms',
          category: 'CONTRACT',
          file: { fileName: 'terms.pdf', contentType: 'application/pdf' },
          ...extra,
        },
      });
      const payload = answer.body.data?.shareDocument;
      if (!payload) throw new Error(`not shared: ${answer.text}`);
      return {
        id: payload.document.id,
        url: docs.direct(payload.upload.url),
        maxBytes: payload.upload.maxBytes,
      };
    }

    const put = (url: string, body: Uint8Array) =>
      fetch(url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body });

    it('has migrations that match the entities, and an entity for every table', async () => {
      const drift = await testing.schemaDrift(docs.running.db.dataSource);
      expect(drift.pending).toEqual([]);
      expect(drift.tables).toEqual(drift.entities);
    });

    it('stores one of two uploads at once that would pass the quota together', async () => {
      const customer = await docs.customer();
      const set = await docs.gql(STAFF, SETTINGS, {
        input: { customerId: customer, uploadsAllowed: false, quotaMegabytes: 1 },
      });
      expect(set.body.errors).toBeUndefined();
      const a = await share(customer);
      const b = await share(customer);
      const file = pdfBytes(700 * 1024);
      const answers = await Promise.all([put(a.url, file), put(b.url, file)]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 413]);
      const refused = answers.find((r) => r.status === 413)!;
      expect(((await refused.json()) as { reason: string }).reason).toBe('QUOTA_EXCEEDED');
      const settings = await docs.gql<{ customerDocumentSettings: { usedBytes: number } }>(
        STAFF,
        'query ($c: ID!) { customerDocumentSettings(customerId: $c) { usedBytes } }',
        { c: customer },
      );
      expect(settings.body.data?.customerDocumentSettings.usedBytes).toBe(file.length);
    });

    it('takes one body per upload link, and none once it is used', async () => {
      const { id, url } = await share(acme);
      const file = pdfBytes(256 * 1024);
      const answers = await Promise.all([put(url, file), put(url, file), put(url, file)]);
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.every((s) => s === 201 || s === 409 || s === 404)).toBe(true);
      expect((await put(url, file)).status).toBe(404);
      const seen = await docs.gql<{ document: { versions: Array<{ sha256: string }> } }>(
        STAFF,
        'query ($id: ID!) { document(id: $id) { versions { sha256 } } }',
        { id },
      );
      expect(seen.body.data?.document.versions).toEqual([{ sha256: sha256(file) }]);
    });

    it('records one acknowledgement per contact and version, however often it is sent', async () => {
      const { id, url } = await share(acme, { acknowledgementRequired: true });
      await put(url, pdfBytes());
      const alice = contactOf(acme);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          docs.gql<{ acknowledgeDocument: { acknowledgement: { id: string } } }>(alice, ACK, {
            input: { documentId: id, version: 1, name: 'Alice' },
          }),
        ),
      );
      const ids = new Set(answers.map((a) => a.body.data?.acknowledgeDocument.acknowledgement.id));
      expect(ids.size).toBe(1);
      const events = (await docs.events()).filter(
        (e) => e.type === 'document.acknowledged' && e.aggregateId === id,
      );
      expect(events).toHaveLength(1);
      // Another customer's contact gets NOT_FOUND, as for a document that does not exist.
      const foreign = await docs.gql(contactOf(globex), ACK, {
        input: { documentId: id, version: 1, name: 'Lucía' },
      });
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('publishes document.shared once the first file is stored, and nothing for internal ones', async () => {
      const shared = await share(acme);
      const internal = await share(acme, { visibility: 'INTERNAL' });
      const before = (await docs.events()).filter((e) =>
        [shared.id, internal.id].includes(e.aggregateId),
      );
      expect(before).toEqual([]);
      await put(shared.url, pdfBytes());
      await put(internal.url, pdfBytes());
      const after = (await docs.events()).filter((e) =>
        [shared.id, internal.id].includes(e.aggregateId),
      );
      expect(after.map((e) => [e.type, e.aggregateId, e.customerId])).toEqual([
        ['document.shared', shared.id, acme],
      ]);
    });

    it("shows a partner its customers' documents with documents:read only", async () => {
      const mine = await share(acme);
      await put(mine.url, pdfBytes());
      const theirs = await share(globex);
      await put(theirs.url, pdfBytes());
      const query = 'query ($id: ID!) { document(id: $id) { id } }';
      const partner = partnerOf([acme], ['documents:read']);
      expect((await docs.gql(partner, query, { id: mine.id })).body.data).toEqual({
        document: { id: mine.id },
      });
      const foreign = await docs.gql(partner, query, { id: theirs.id });
      expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const unscoped = await docs.gql(partnerOf([acme], ['invoices:read']), query, { id: mine.id });
      expect(unscoped.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('attaches to an invoice it has heard of, for that invoice’s customer only', async () => {
      const invoiceId = '11111111-1111-4111-8111-111111111111';
      expect(
        await docs.producerEvent('billing', 'invoice.issued', {
          invoiceId,
          customerId: acme,
          number: 'INV-2026-00001',
        }),
      ).toBe('applied');
      const attached = await share(acme, { attachTo: { kind: 'INVOICE', id: invoiceId } });
      expect(attached.id).toBeTruthy();
      const refused = await docs.gql(STAFF, SHARE, {
        input: {
          customerId: globex,
          title: 'x',
          category: 'OTHER',
          attachTo: { kind: 'INVOICE', id: invoiceId },
          file: { fileName: 'x.pdf', contentType: 'application/pdf' },
        },
      });
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'attachment-not-found',
      });
    });

    it('hides a document from its customer once it expires, for lists and links alike', async () => {
      const { id, url } = await share(acme, {
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      await put(url, pdfBytes());
      const alice = contactOf(acme);
      const link = await docs.gql<{ document: { downloadUrl: string } }>(
        alice,
        'query ($id: ID!) { document(id: $id) { downloadUrl } }',
        { id },
      );
      const download = docs.direct(link.body.data!.document.downloadUrl);
      expect((await fetch(download)).status).toBe(200);
      await docs.running.db.manager
        .getRepository(Document)
        .update({ id }, { expiresAt: new Date(Date.now() - 1000) });
      expect((await fetch(download)).status).toBe(404);
      const list = await docs.gql<{ documents: { nodes: Array<{ id: string }> } }>(
        alice,
        'query { documents(first: 100) { nodes { id } } }',
      );
      expect(list.body.data?.documents.nodes.map((n) => n.id)).not.toContain(id);
      const staff = await docs.gql<{ document: { status: string } }>(
        STAFF,
        'query ($id: ID!) { document(id: $id) { status } }',
        { id },
      );
      expect(staff.body.data?.document.status).toBe('EXPIRED');
    });

    it('refuses bad input with coded errors and changes nothing', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ title: '' }, 'title'],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'expiresAt'],
        [{ file: { fileName: 'a.pdf', contentType: 'application/x-msdownload' } }, 'contentType'],
        [{ file: { fileName: 'a.png', contentType: 'application/pdf' } }, 'fileName'],
      ];
      const count = async () =>
        Number((await docs.running.db.manager.query('SELECT COUNT(*) AS n FROM documents'))[0].n);
      const before = await count();
      for (const [input, field] of cases) {
        const answer = await docs.gql(STAFF, SHARE, {
          input: {
            customerId: acme,
            title: 'Terms',
            category: 'CONTRACT',
            file: { fileName: 'terms.pdf', contentType: 'application/pdf' },
            ...input,
          },
        });
        expect([field, answer.body.errors?.[0]?.extensions?.code]).toEqual([
          field,
          'BAD_USER_INPUT',
        ]);
      }
      expect(await count()).toBe(before);
    });
  },
);
