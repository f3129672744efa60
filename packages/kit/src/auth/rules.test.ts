import { ANONYMOUS, type Principal } from './principal';
import { evaluateRule, ruleFromDirective } from './rules';

const contactA: Principal = { kind: 'contact', contactId: 'c', customerId: 'A' };
const accountant: Principal = { kind: 'staff', staffUserId: 's', roles: ['accountant'] };
const admin: Principal = { kind: 'staff', staffUserId: 's', roles: ['admin'] };
const partnerAB: Principal = {
  kind: 'partner',
  clientId: 'p',
  scopes: ['invoices:read'],
  customerIds: ['A', 'B'],
};

describe('authorization rules', () => {
  it('asks the anonymous to sign in for every rule but scopes, which limit partners only', () => {
    for (const rule of [
      { kind: 'signedIn' } as const,
      { kind: 'staff', roles: [] } as const,
      { kind: 'customerScoped', arg: 'id' } as const,
    ]) {
      expect(evaluateRule(rule, ANONYMOUS, { id: 'A' })?.code).toBe('UNAUTHENTICATED');
    }
    expect(evaluateRule({ kind: 'scopes', all: ['x'] }, ANONYMOUS)).toBeNull();
  });

  it('keeps staff-only fields from contacts and partners, and checks roles', () => {
    const rule = { kind: 'staff', roles: ['sales'] } as const;
    expect(evaluateRule(rule, contactA)?.code).toBe('FORBIDDEN');
    expect(evaluateRule(rule, partnerAB)?.code).toBe('FORBIDDEN');
    expect(evaluateRule(rule, accountant)?.code).toBe('FORBIDDEN');
    expect(evaluateRule(rule, admin)).toBeNull();
    expect(evaluateRule({ kind: 'staff', roles: [] }, accountant)).toBeNull();
  });

  it('limits partners to their scopes but not first-party principals', () => {
    const rule = { kind: 'scopes', all: ['invoices:read', 'payments:read'] } as const;
    expect(evaluateRule(rule, partnerAB)).toEqual({
      code: 'FORBIDDEN',
      message: 'Missing scope: payments:read',
    });
    expect(evaluateRule(rule, contactA)).toBeNull();
    expect(evaluateRule({ kind: 'scopes', all: ['invoices:read'] }, partnerAB)).toBeNull();
  });

  it('answers a foreign customer id exactly like a missing one', () => {
    const rule = { kind: 'customerScoped', arg: 'id' } as const;
    expect(evaluateRule(rule, contactA, { id: 'A' })).toBeNull();
    const foreign = evaluateRule(rule, contactA, { id: 'B' });
    const missing = evaluateRule(rule, contactA, { id: 'does-not-exist' });
    expect(foreign).toEqual({ code: 'NOT_FOUND', message: 'Not found' });
    expect(missing).toEqual(foreign);
  });

  it("checks every id of a list argument and a partner's customer list", () => {
    const rule = { kind: 'customerScoped', arg: 'ids' } as const;
    expect(evaluateRule(rule, contactA, { ids: ['A', 'B'] })?.code).toBe('NOT_FOUND');
    expect(evaluateRule(rule, partnerAB, { ids: ['A', 'B'] })).toBeNull();
    expect(evaluateRule(rule, partnerAB, { ids: ['A', 'C'] })?.code).toBe('NOT_FOUND');
    expect(evaluateRule(rule, accountant, { ids: ['Z'] })).toBeNull();
  });

  it('refuses argument values that are not ids', () => {
    const rule = { kind: 'customerScoped', arg: 'id' } as const;
    expect(evaluateRule(rule, contactA, { id: { id: 'A' } })?.code).toBe('NOT_FOUND');
  });

  it('rejects directives it does not understand', () => {
    expect(() => ruleFromDirective('staff', { roles: ['root'] })).toThrow(/unknown roles/);
    expect(() => ruleFromDirective('owner', {})).toThrow(/unknown/);
  });
});
