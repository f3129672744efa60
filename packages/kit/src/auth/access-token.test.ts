import { accessTokenClaimsFor, principalFromAccessTokenClaims } from './access-token';
import { parsePrincipal, type PartnerPrincipal } from './principal';

const partner: PartnerPrincipal = {
  kind: 'partner',
  clientId: 'p-1',
  scopes: ['invoices:read'],
  customerIds: ['cust-1'],
  secretGeneration: 3,
};

function payloadOf(principal: PartnerPrincipal): Record<string, unknown> {
  const { subject, claims } = accessTokenClaimsFor(principal);
  return { sub: subject, ...claims };
}

describe('partner access-token claims', () => {
  it('carry the generation of the secret the token was issued with', () => {
    expect(payloadOf(partner)).toMatchObject({ gen: 3 });
    expect(principalFromAccessTokenClaims(payloadOf(partner))).toEqual(partner);
    expect(parsePrincipal(partner)).toEqual(partner);
  });

  it('read a token without a generation as one of no stated generation', () => {
    const { secretGeneration: _, ...older } = partner;
    expect(principalFromAccessTokenClaims(payloadOf(older))).toEqual(older);
    expect(parsePrincipal(older)).toEqual(older);
  });

  it('refuse a generation that is not a positive integer', () => {
    for (const gen of [0, -1, 1.5, '2', null]) {
      expect(principalFromAccessTokenClaims({ ...payloadOf(partner), gen })).toBeNull();
      expect(parsePrincipal({ ...partner, secretGeneration: gen })).toBeNull();
    }
  });
});
