import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import type { Principal } from '@portico/kit';
import { createOperationAuthorizer } from './operation-authorizer';

const supergraph = readFileSync(
  join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'),
  'utf8',
);
const authorizer = createOperationAuthorizer(supergraph);
const contact: Principal = { kind: 'contact', contactId: 'c', customerId: 'A' };
const staff: Principal = { kind: 'staff', staffUserId: 's', roles: ['support'] };

function check(
  query: string,
  principal: Principal,
  variables: Record<string, unknown> = {},
  operationName?: string,
) {
  return authorizer.authorize({ document: parse(query), principal, variables, operationName });
}

describe('operation authorizer', () => {
  it('allows public fields to anyone and signed-in fields to the signed in', () => {
    expect(check('{ viewer { kind } }', { kind: 'anonymous' })).toBeNull();
    expect(check('{ viewer { customer { contacts { id } } } }', { kind: 'anonymous' })?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(check('{ viewer { customer { contacts { id } } } }', contact)).toBeNull();
  });

  it('finds a directive on a field reached only through nested fragments', () => {
    const query = `{ viewer { ...V } } fragment V on Viewer { customer { ... on Customer { ...C } } } fragment C on Customer { contacts { id } }`;
    expect(check(query, { kind: 'anonymous' })?.code).toBe('UNAUTHENTICATED');
  });

  it('evaluates customer-scoped arguments from variables', () => {
    const query = 'query ($id: ID!) { customer(id: $id) { id } }';
    expect(check(query, contact, { id: 'A' })).toBeNull();
    expect(check(query, contact, { id: 'B' })).toEqual({ code: 'NOT_FOUND', message: 'Not found' });
  });

  it("evaluates arguments with the variables' defaults and coercion, as execution will", () => {
    const own = 'query ($id: ID! = "A") { customer(id: $id) { id } }';
    expect(check(own, contact)).toBeNull();
    expect(check(own, contact, { id: 'B' })?.code).toBe('NOT_FOUND');
    const other = 'query ($c: ID = "B") { invoices(customerId: $c) { nodes { id } } }';
    expect(check(other, contact)?.code).toBe('NOT_FOUND');
    expect(check(other, contact, { c: 'A' })).toBeNull();
    // an ID variable sent as a number is coerced to its string, as execution does
    const numeric = 'query ($c: ID) { invoices(customerId: $c) { nodes { id } } }';
    expect(check(numeric, { ...contact, customerId: '7' }, { c: 7 })).toBeNull();
    expect(check(numeric, { ...contact, customerId: '7' }, { c: 8 })?.code).toBe('NOT_FOUND');
    expect(check('query ($c: ID!) { invoices(customerId: $c) { nodes { id } } }', contact)).toEqual(
      { code: 'BAD_USER_INPUT', message: expect.stringMatching(/\$c/) as string },
    );
  });

  it('reports the most severe refusal of a document', () => {
    const query = '{ customer(id: "B") { id } customers { nodes { id } } }';
    expect(check(query, contact)?.code).toBe('FORBIDDEN');
    expect(check(query, staff)).toBeNull();
  });

  it('fails closed when the operation cannot be selected', () => {
    const query = 'query One { viewer { kind } } query Two { viewer { kind } }';
    expect(check(query, staff)?.code).toBe('FORBIDDEN');
    expect(check(query, staff, {}, 'Three')?.code).toBe('FORBIDDEN');
    expect(check(query, staff, {}, 'Two')).toBeNull();
  });

  it('walks a document once but judges every request by its own principal and variables', () => {
    const document = parse(
      'query A($id: ID!) { customer(id: $id) { id } } query B { customers { nodes { id } } }',
    );
    const judge = (principal: Principal, operationName: string, variables = {}) =>
      authorizer.authorize({ document, principal, operationName, variables })?.code ?? null;
    expect(judge(contact, 'A', { id: 'A' })).toBeNull();
    expect(judge(contact, 'A', { id: 'B' })).toBe('NOT_FOUND');
    expect(judge({ kind: 'anonymous' }, 'A', { id: 'A' })).toBe('UNAUTHENTICATED');
    expect(judge(contact, 'B')).toBe('FORBIDDEN');
    expect(judge(staff, 'B')).toBeNull();
    expect(judge(contact, 'A', { id: 'A' })).toBeNull();
  });

  it('fails closed on a spread of a fragment that does not exist', () => {
    expect(check('{ ...Missing }', staff)?.code).toBe('FORBIDDEN');
  });

  it("refuses to load a supergraph without Portico's directive definitions", () => {
    const stripped = supergraph.replace('directive @staff(', 'directive @staffRenamed(');
    expect(() => createOperationAuthorizer(stripped)).toThrow(/@staff/);
  });
});
