import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CUSTOMER_IDS, testing } from '@portico/kit';
import { DocumentSigner, renderPdf } from '@portico/commerce';
import { startS3Server, type TestS3Server } from '../../services/documents/test/s3-server';
import { startTestStack, type TestStack } from './stack-harness';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const SHARE = `mutation ($input: ShareDocumentInput!) {
  shareDocument(input: $input) { document { id status } upload { url method maxBytes } }
}`;
const VERSION = `mutation ($input: AddDocumentVersionInput!) {
  addDocumentVersion(input: $input) { upload { url } }
}`;
const DOCUMENT = `query ($id: ID!) {
  document(id: $id) {
    id title status downloadUrl acknowledgementPending
    currentVersion { version sha256 size fileName contentType }
    versions { version sha256 size downloadUrl }
  }
}`;

/** Every file under `dir`, recursively (what the local store holds). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

describe.each(testing.databaseTargets(process.env).map((t) => [t.name, t] as const))(
  // On MariaDB the files go to an S3-compatible store (multipart, 5 MiB parts); on SQLite to disk.
  'shared documents through the gateway on %s',
  (_name, target) => {
    let stack: TestStack;
    let alice: string;
    let lucia: string;
    let admin: string;
    let s3: TestS3Server | undefined;
    let pdf: Buffer;
    /** How many files the store holds (local folder, or the S3 server's disk). */
    const filesHeld = async () =>
      s3 ? s3.filesHeld() : filesUnder(stack.documentsFilesDir).length;
    beforeAll(async () => {
      s3 = target.name === 'sqlite' ? undefined : await startS3Server();
      stack = await startTestStack(target, {
        documentsEnv: {
          PUBLIC_BASE_URL: 'http://placeholder.invalid',
          DOCUMENTS_MAX_FILE_MB: '8',
          ...(s3
            ? {
                STORAGE_DRIVER: 's3',
                S3_ENDPOINT: s3.endpoint,
                S3_BUCKET: s3.bucket,
                S3_REGION: s3.region,
                S3_ACCESS_KEY_ID: s3.accessKeyId,
                S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
                S3_FORCE_PATH_STYLE: 'true',
                S3_PART_SIZE_MB: '5',
              }
            : {}),
        },
      });
      alice = await stack.signIn('alice@acme.example', 'acme-demo-password');
      lucia = await stack.signIn('lucia@globex.example', 'globex-demo-password');
      admin = await stack.signIn('admin@portico.example', 'admin-demo-password', 'signInStaff');
      pdf = await renderPdf((doc) => doc.text('Supply agreement'), { title: 'Supply agreement' });
    });
    afterAll(async () => {
      await stack?.stop();
      await s3?.close();
    });

    const viaGateway = (url: string) =>
      url.replace('http://placeholder.invalid', stack.gateway.url.replace(/\/graphql$/, ''));

    async function ask<T = Record<string, unknown>>(
      token: string,
      query: string,
      variables: Record<string, unknown> = {},
    ): Promise<{ data: T | null; error: Record<string, unknown> | null; message?: string }> {
      const response = await stack.query(query, { token, variables });
      const error = response.body.errors?.[0];
      return {
        data: (response.body.data as T | null | undefined) ?? null,
        error: error ? ((error.extensions ?? {}) as Record<string, unknown>) : null,
        message: error?.message,
      };
    }

    async function share(
      overrides: Record<string, unknown> = {},
      file = { fileName: 'agreement.pdf', contentType: 'application/pdf' },
    ): Promise<{ id: string; url: string }> {
      const shared = await ask<{
        shareDocument: { document: { id: string }; upload: { url: string } };
      }>(admin, SHARE, {
        input: {
          customerId: DEMO_CUSTOMER_IDS.acme,
          title: 'Supply agreement',
          category: 'CONTRACT',
          file,
          ...overrides,
        },
      });
      if (!shared.data) throw new Error(`not shared: ${JSON.stringify(shared)}`);
      return {
        id: shared.data.shareDocument.document.id,
        url: viaGateway(shared.data.shareDocument.upload.url),
      };
    }

    const put = (
      url: string,
      body: Uint8Array | ReadableStream<Uint8Array>,
      type = 'application/pdf',
    ) =>
      fetch(url, {
        method: 'PUT',
        headers: { 'content-type': type },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);

    async function documentAs(token: string, id: string) {
      return ask<{
        document: {
          status: string;
          downloadUrl: string | null;
          acknowledgementPending: boolean;
          currentVersion: { version: number; sha256: string; size: number } | null;
          versions: Array<{ version: number; sha256: string; downloadUrl: string }>;
        };
      }>(token, DOCUMENT, { id });
    }

    it('lets the customer download exactly the bytes staff shared, whole and by range', async () => {
      const { id, url } = await share();
      expect((await documentAs(alice, id)).error?.code).toBe('NOT_FOUND');
      const stored = await put(url, pdf);
      expect(stored.status).toBe(201);
      const seen = await documentAs(alice, id);
      expect(seen.data?.document.currentVersion).toMatchObject({
        version: 1,
        sha256: sha256(pdf),
        size: pdf.length,
      });
      const link = viaGateway(seen.data!.document.downloadUrl!);
      const whole = await fetch(link);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('application/pdf');
      expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
      expect(whole.headers.get('content-disposition')).toContain(
        'attachment; filename="agreement.pdf"',
      );
      expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(pdf));
      const ranged = await fetch(link, { headers: { range: 'bytes=10-99' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 10-99/${pdf.length}`);
      expect(Buffer.from(await ranged.arrayBuffer())).toEqual(pdf.subarray(10, 100));
      // Staff see who opened it and when.
      const staffView = await ask<{
        document: {
          firstOpenedByCustomerAt: string | null;
          downloads: Array<{ principalKind: string; byteRange: string | null }>;
        };
      }>(
        admin,
        'query ($id: ID!) { document(id: $id) { firstOpenedByCustomerAt downloads { principalKind byteRange } } }',
        { id },
      );
      expect(staffView.data?.document.firstOpenedByCustomerAt).not.toBeNull();
      expect(staffView.data?.document.downloads).toEqual([
        { principalKind: 'contact', byteRange: null },
        { principalKind: 'contact', byteRange: 'bytes=10-99' },
      ]);
    });

    it('round-trips a file of several MiB (two multipart parts on S3), streamed both ways', async () => {
      const { id, url } = await share(
        {},
        { fileName: 'drawings.pdf', contentType: 'application/pdf' },
      );
      const big = Buffer.alloc(7 * 1024 * 1024 + 123, 0x41);
      pdf.copy(big, 0, 0, 8);
      for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
      big.set(pdf.subarray(0, 8));
      expect((await put(url, big)).status).toBe(201);
      const link = viaGateway((await documentAs(alice, id)).data!.document.downloadUrl!);
      const back = Buffer.from(await (await fetch(link)).arrayBuffer());
      expect(back.length).toBe(big.length);
      expect(sha256(back)).toBe(sha256(big));
      const tail = await fetch(link, { headers: { range: 'bytes=-100' } });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer())).toEqual(big.subarray(big.length - 100));
    });

    it('cuts off an upload over the limit while it streams and keeps nothing', async () => {
      const { id, url } = await share();
      const before = await filesHeld();
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024);
      chunk.set(pdf.subarray(0, 8));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // 24 MiB offered, without a content-length, against an 8 MiB limit
          // (past one multipart part on S3).
          if (sent >= 24 * 1024 * 1024) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const answer = await put(url, body).catch((error: Error) => error);
      if (answer instanceof Response) {
        expect(answer.status).toBe(413);
        expect(((await answer.json()) as { reason: string }).reason).toBe('FILE_TOO_LARGE');
      }
      expect(await filesHeld()).toBe(before);
      const staff = await ask<{ document: { status: string } }>(
        admin,
        'query ($id: ID!) { document(id: $id) { status } }',
        { id },
      );
      expect(staff.data?.document.status).toBe('AWAITING_FILE');
      expect((await documentAs(alice, id)).error?.code).toBe('NOT_FOUND');
    });

    it('refuses bytes that do not match the declared type', async () => {
      const { id, url } = await share();
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(200, 1),
      ]);
      const answer = await put(url, png);
      expect(answer.status).toBe(415);
      expect(((await answer.json()) as { reason: string }).reason).toBe('FILE_TYPE_MISMATCH');
      expect((await documentAs(alice, id)).error?.code).toBe('NOT_FOUND');
    });

    it('refuses dangerous file names before any upload', async () => {
      for (const fileName of [
        '../etc/passwd.pdf',
        'a\\b.pdf',
        'CON.pdf',
        'bad\u0007.pdf',
        'report.exe',
      ]) {
        const refused = await ask(admin, SHARE, {
          input: {
            customerId: DEMO_CUSTOMER_IDS.acme,
            title: 'x',
            category: 'OTHER',
            file: { fileName, contentType: 'application/pdf' },
          },
        });
        expect([fileName, refused.error?.code]).toEqual([fileName, 'BAD_USER_INPUT']);
      }
    });

    it("gives nothing for another customer's link, an expired one or a tampered one", async () => {
      const { id, url } = await share();
      await put(url, pdf);
      const link = viaGateway((await documentAs(alice, id)).data!.document.downloadUrl!);
      // Another customer's contact cannot even see it.
      expect((await documentAs(lucia, id)).error?.code).toBe('NOT_FOUND');
      // A link signed for Globex naming Acme's document.
      const signer = new DocumentSigner(
        testing.TEST_CLAIMS_SECRET,
        'http://placeholder.invalid',
        300,
        'documents',
      );
      const foreign = signer.url({
        kind: 'download',
        customerId: DEMO_CUSTOMER_IDS.globex,
        params: { documentId: id, version: '1', principal: 'contact:x' },
      });
      const expired = signer.url(
        {
          kind: 'download',
          customerId: DEMO_CUSTOMER_IDS.acme,
          params: { documentId: id, version: '1', principal: 'contact:x' },
        },
        Date.now() - 3_600_000,
      );
      const params = new URL(link).searchParams;
      const grant = JSON.parse(Buffer.from(params.get('t')!, 'base64url').toString()) as {
        customerId: string;
      };
      grant.customerId = DEMO_CUSTOMER_IDS.globex;
      const tampered = `${link.split('?')[0]}?t=${Buffer.from(JSON.stringify(grant)).toString('base64url')}&s=${params.get('s')}`;
      for (const bad of [viaGateway(foreign), viaGateway(expired), tampered]) {
        const answer = await fetch(bad);
        expect(answer.status).toBe(404);
        expect(sha256(new Uint8Array(await answer.arrayBuffer()))).not.toBe(sha256(pdf));
      }
      // An upload link cannot be used to download, nor a download link to upload.
      const asUpload = await put(link.replace('/download?', '/upload?'), pdf);
      expect(asUpload.status).toBe(404);
      expect((await put(link, pdf)).status).toBe(405);
    });

    it("shows staff a customer's acknowledgement of version 2 while version 1 stays readable", async () => {
      const { id, url } = await share({ acknowledgementRequired: true });
      await put(url, pdf);
      const v2 = await renderPdf((doc) => doc.text('Supply agreement, revised'), { title: 'v2' });
      const next = await ask<{ addDocumentVersion: { upload: { url: string } } }>(admin, VERSION, {
        input: {
          documentId: id,
          file: { fileName: 'agreement-v2.pdf', contentType: 'application/pdf' },
        },
      });
      expect((await put(viaGateway(next.data!.addDocumentVersion.upload.url), v2)).status).toBe(
        201,
      );
      const before = await documentAs(alice, id);
      expect(before.data?.document.acknowledgementPending).toBe(true);
      // Acknowledging the superseded version is refused.
      const stale = await ask(
        alice,
        'mutation ($input: AcknowledgeDocumentInput!) { acknowledgeDocument(input: $input) { acknowledgement { version } } }',
        {
          input: { documentId: id, version: 1, name: 'Alice Archer' },
        },
      );
      expect(stale.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'version-superseded' });
      const acked = await ask<{
        acknowledgeDocument: { acknowledgement: { version: number; versionSha256: string } };
      }>(
        alice,
        'mutation ($input: AcknowledgeDocumentInput!) { acknowledgeDocument(input: $input) { acknowledgement { version versionSha256 } } }',
        { input: { documentId: id, version: 2, name: 'Alice Archer' } },
      );
      expect(acked.data?.acknowledgeDocument.acknowledgement).toEqual({
        version: 2,
        versionSha256: sha256(v2),
      });
      const staff = await ask<{
        document: {
          acknowledgements: Array<{
            version: number;
            name: string;
            versionSha256: string;
            clientAddress: string | null;
          }>;
          versions: Array<{ version: number; sha256: string; downloadUrl: string }>;
        };
      }>(
        admin,
        'query ($id: ID!) { document(id: $id) { acknowledgements { version name versionSha256 clientAddress } versions { version sha256 downloadUrl } } }',
        { id },
      );
      expect(staff.data?.document.acknowledgements).toEqual([
        {
          version: 2,
          name: 'Alice Archer',
          versionSha256: sha256(v2),
          clientAddress: expect.any(String),
        },
      ]);
      expect(staff.data?.document.versions.map((v) => [v.version, v.sha256])).toEqual([
        [1, sha256(pdf)],
        [2, sha256(v2)],
      ]);
      const first = await fetch(viaGateway(staff.data!.document.versions[0]!.downloadUrl));
      expect(sha256(new Uint8Array(await first.arrayBuffer()))).toBe(sha256(pdf));
      expect((await documentAs(alice, id)).data?.document.acknowledgementPending).toBe(false);
    });

    it('never shows customers internal or expired documents', async () => {
      const internal = await share({ visibility: 'INTERNAL' });
      await put(internal.url, pdf);
      expect((await documentAs(alice, internal.id)).error?.code).toBe('NOT_FOUND');
      const list = await ask<{
        customer: { documents: { nodes: Array<{ id: string; title: string }> } };
      }>(
        alice,
        'query ($id: ID!) { customer(id: $id) { documents(first: 100) { nodes { id title } } } }',
        { id: DEMO_CUSTOMER_IDS.acme },
      );
      const ids = list.data!.customer.documents.nodes.map((n) => n.id);
      expect(ids).not.toContain(internal.id);
      expect(list.data!.customer.documents.nodes.map((n) => n.title)).toContain(
        'Price list ' + new Date().getUTCFullYear(),
      );
      const staffList = await ask<{ documents: { nodes: Array<{ id: string }> } }>(
        admin,
        'query ($c: ID!) { documents(customerId: $c, first: 100) { nodes { id } } }',
        { c: DEMO_CUSTOMER_IDS.acme },
      );
      expect(staffList.data!.documents.nodes.map((n) => n.id)).toContain(internal.id);
    });

    it('takes documents back from a customer the business allows, and from no other', async () => {
      const SEND = `mutation ($input: SendDocumentInput!) { sendDocument(input: $input) { document { id origin } upload { url } } }`;
      const refused = await ask(lucia, SEND, {
        input: { title: 'Our PO', file: { fileName: 'po.pdf', contentType: 'application/pdf' } },
      });
      expect(refused.error).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'uploads-not-allowed',
      });
      const sent = await ask<{
        sendDocument: { document: { id: string; origin: string }; upload: { url: string } };
      }>(alice, SEND, {
        input: {
          title: 'Signed contract',
          category: 'CONTRACT',
          file: { fileName: 'signed.pdf', contentType: 'application/pdf' },
        },
      });
      expect(sent.data?.sendDocument.document.origin).toBe('CUSTOMER');
      expect((await put(viaGateway(sent.data!.sendDocument.upload.url), pdf)).status).toBe(201);
      const incoming = await ask<{ documents: { nodes: Array<{ id: string }> } }>(
        admin,
        'query { documents(origin: CUSTOMER, first: 100) { nodes { id } } }',
      );
      expect(incoming.data!.documents.nodes.map((n) => n.id)).toContain(
        sent.data!.sendDocument.document.id,
      );
    });

    it('lists documents on the invoice they are attached to, for that customer only', async () => {
      const invoiceId = await stack.issueInvoice({
        customerId: DEMO_CUSTOMER_IDS.acme,
        currency: 'GBP',
        unitPrice: '10.00',
      });
      const { id, url } = await share({
        attachTo: { kind: 'INVOICE', id: invoiceId },
        category: 'OTHER',
        title: 'Delivery note',
      });
      await put(url, pdf);
      const onInvoice = await ask<{
        invoice: { documents: { nodes: Array<{ id: string; invoice: { id: string } }> } };
      }>(
        alice,
        'query ($id: ID!) { invoice(id: $id) { documents { nodes { id invoice { id } } } } }',
        { id: invoiceId },
      );
      expect(onInvoice.data?.invoice.documents.nodes).toEqual([{ id, invoice: { id: invoiceId } }]);
      // Attaching to another customer's invoice is refused like a missing one.
      const foreign = await ask(admin, SHARE, {
        input: {
          customerId: DEMO_CUSTOMER_IDS.globex,
          title: 'x',
          category: 'OTHER',
          attachTo: { kind: 'INVOICE', id: invoiceId },
          file: { fileName: 'x.pdf', contentType: 'application/pdf' },
        },
      });
      expect(foreign.error).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'attachment-not-found',
      });
    });
  },
);
