import { DocumentSigner } from './signed-url';

const CURRENT = 'current-claims-secret-0123456789abcdef';
const PREVIOUS = 'previous-claims-secret-0123456789abcdef';
const grant = { kind: 'invoice.pdf', customerId: 'cust-1', params: { id: 'inv-1' } };

function linkParts(url: string): [string, string, string] {
  const parsed = new URL(url);
  const kind = parsed.pathname.split('/').pop() as string;
  return [kind, parsed.searchParams.get('t') as string, parsed.searchParams.get('s') as string];
}

describe('signed document links during a rotation of the claims secret', () => {
  const base = 'https://portal.example';

  it('serves a link signed by a replica still on the previous secret', () => {
    const oldReplica = new DocumentSigner(PREVIOUS, base, 300, 'billing');
    const rotated = new DocumentSigner(CURRENT, base, 300, 'billing', [PREVIOUS]);
    expect(rotated.verify(...linkParts(oldReplica.url(grant)))).toEqual(
      expect.objectContaining(grant),
    );
  });

  it('refuses a link signed with a secret no longer accepted', () => {
    const oldReplica = new DocumentSigner(PREVIOUS, base, 300, 'billing');
    const dropped = new DocumentSigner(CURRENT, base, 300, 'billing');
    expect(dropped.verify(...linkParts(oldReplica.url(grant)))).toBeNull();
    // The link of the current secret still works on it.
    expect(dropped.verify(...linkParts(dropped.url(grant)))).toEqual(
      expect.objectContaining(grant),
    );
  });
});
