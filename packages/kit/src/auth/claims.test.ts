import { encodeClaims, verifyClaims } from './claims';
import type { Principal } from './principal';

const SECRET = 'a'.repeat(48);
const contact: Principal = { kind: 'contact', contactId: 'c-1', customerId: 'cust-1' };

describe('gateway-signed claims', () => {
  it('round-trips a principal signed with the shared secret', () => {
    const header = encodeClaims(contact, SECRET, { requestId: 'r-1' });
    const result = verifyClaims(header, SECRET);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({ principal: contact, requestId: 'r-1' }),
    });
  });

  it('refuses a missing header', () => {
    expect(verifyClaims(undefined, SECRET)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses claims signed with another secret', () => {
    const header = encodeClaims(contact, 'b'.repeat(48));
    expect(verifyClaims(header, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a payload edited after signing (customer swapped)', () => {
    const header = encodeClaims(contact, SECRET);
    const [version, , signature] = header.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        principal: { ...contact, customerId: 'cust-2' },
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ).toString('base64url');
    expect(verifyClaims(`${version}.${forged}.${signature}`, SECRET)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses expired claims', () => {
    const header = encodeClaims(contact, SECRET, { now: Date.now() - 120_000, ttlSeconds: 60 });
    expect(verifyClaims(header, SECRET)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a well-signed payload whose principal has the wrong shape', () => {
    const header = encodeClaims(
      { kind: 'staff', staffUserId: 's', roles: ['root'] } as never,
      SECRET,
    );
    expect(verifyClaims(header, SECRET)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('verifies claims signed with any secret of the list, and only those', () => {
    const previous = 'p'.repeat(48);
    expect(verifyClaims(encodeClaims(contact, previous), [SECRET, previous])).toEqual({
      ok: true,
      claims: expect.objectContaining({ principal: contact }),
    });
    expect(verifyClaims(encodeClaims(contact, SECRET), [SECRET, previous]).ok).toBe(true);
    expect(verifyClaims(encodeClaims(contact, 'q'.repeat(48)), [SECRET, previous])).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyClaims(encodeClaims(contact, SECRET), [])).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
});
