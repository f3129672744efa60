import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DEMO_CUSTOMER_IDS, type StaffPrincipal } from '@portico/kit';
import { renderPdf } from '@portico/commerce';
import type { DocumentsServices } from '../context';
import { Document } from '../document/document.entity';
import type { ShareSpec } from '../document/document.service';

/** The business as the demo's author of shared documents (no staff member's own data). */
const DEMO_STAFF: StaffPrincipal = {
  kind: 'staff',
  staffUserId: '00000000-0000-4000-8000-00000000d0c5',
  roles: ['admin'],
};

function demoPdf(title: string, paragraphs: string[]): Promise<Buffer> {
  return renderPdf(
    (doc) => {
      doc.fontSize(20).text(title);
      doc.moveDown().fontSize(11);
      for (const paragraph of paragraphs) doc.text(paragraph).moveDown(0.5);
    },
    { title },
  );
}

/** Shares one document and stores its file through the same path an upload takes. */
async function shareWithFile(
  services: DocumentsServices,
  spec: Omit<ShareSpec, 'file' | 'visibility'> & { visibility?: ShareSpec['visibility'] },
  fileName: string,
  versions: Buffer[],
): Promise<void> {
  const { document, upload } = await services.documents.share(DEMO_STAFF, {
    visibility: 'customer',
    ...spec,
    file: { fileName, contentType: 'application/pdf' },
  });
  const file = { fileName, contentType: 'application/pdf' };
  for (const [i, bytes] of versions.entries()) {
    const ticket =
      i === 0
        ? upload
        : (await services.documents.addVersion(DEMO_STAFF, document.id, file)).upload;
    const claimed = await services.files.claim(ticket.uploadId, document.customerId);
    await services.files.storage.put(claimed.storageKey, Readable.from([bytes]), {
      contentType: 'application/pdf',
    });
    await services.files.complete(claimed, {
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
}

/**
 * Demo documents for the demo customers: a contract to acknowledge (in its
 * second version), a price list, a certificate and an internal note; Acme
 * may send documents back. Only into an empty database.
 */
export async function seedDocumentsDemo(services: DocumentsServices): Promise<boolean> {
  if ((await services.db.manager.getRepository(Document).count()) > 0) return false;
  const year = new Date().getUTCFullYear();
  for (const [key, customerId] of Object.entries(DEMO_CUSTOMER_IDS)) {
    const name = key === 'acme' ? 'Acme' : 'Globex';
    await shareWithFile(
      services,
      {
        customerId,
        title: `Master services agreement ${year}`,
        description: 'Please read and acknowledge the current version.',
        category: 'contract',
        acknowledgementRequired: true,
      },
      `msa-${year}.pdf`,
      [
        await demoPdf(`Master services agreement ${year} (v1)`, [
          `Between Northwind Components Ltd and ${name}.`,
          'Payment terms: 30 days from the invoice date.',
        ]),
        await demoPdf(`Master services agreement ${year} (v2)`, [
          `Between Northwind Components Ltd and ${name}.`,
          'Payment terms: 30 days from the invoice date. Late payments bear interest at 4 %.',
        ]),
      ],
    );
    await shareWithFile(
      services,
      {
        customerId,
        title: `Price list ${year}`,
        category: 'price_list',
        acknowledgementRequired: false,
      },
      `price-list-${year}.pdf`,
      [await demoPdf(`Price list ${year}`, ['Bearings, seals and fasteners: see the tables.'])],
    );
    await shareWithFile(
      services,
      {
        customerId,
        title: 'ISO 9001 certificate',
        category: 'certificate',
        acknowledgementRequired: false,
        expiresAt: new Date(Date.UTC(year + 1, 11, 31)),
      },
      'iso-9001.pdf',
      [await demoPdf('ISO 9001 certificate', ['Quality management system certified.'])],
    );
    await shareWithFile(
      services,
      {
        customerId,
        title: 'Credit check (internal)',
        category: 'other',
        visibility: 'internal',
        acknowledgementRequired: false,
      },
      'credit-check.pdf',
      [await demoPdf('Credit check', [`${name}: no concerns.`])],
    );
  }
  await services.documents.setSettings({
    customerId: DEMO_CUSTOMER_IDS.acme,
    uploadsAllowed: true,
    quotaBytes: null,
  });
  return true;
}
