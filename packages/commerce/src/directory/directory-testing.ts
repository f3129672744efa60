import { randomUUID } from 'node:crypto';
import type { CustomerDirectory } from './customer-directory';

// For tests of the services that keep a directory: a customer as accounts'
// events describe it, delivered through the directory's real consumer.

export interface TestCustomer {
  id: string;
  companyName: string;
  email: string;
  taxId: string | null;
  locale: string;
  currency: string;
  archived: boolean;
  billingAddress: {
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postalCode: string;
    country: string;
  };
}

let nextPosition = Date.now() * 1000;

/**
 * Applies an accounts customer event to a service's directory through its
 * real consumer, as the event transport would deliver it.
 */
export async function applyCustomerEvent(
  directory: CustomerDirectory,
  type: 'customer.created' | 'customer.updated' | 'customer.archived',
  customer: TestCustomer,
): Promise<void> {
  nextPosition += 1;
  const outcome = await directory.consumer.apply({
    id: randomUUID(),
    producer: 'accounts',
    type,
    schemaVersion: 1,
    aggregateType: 'customer',
    aggregateId: customer.id,
    customerId: customer.id,
    occurredAt: new Date().toISOString(),
    payload: { ...customer, displayName: customer.companyName },
    position: nextPosition,
    previousPosition: null,
  });
  if (outcome !== 'applied') throw new Error(`customer event not applied: ${outcome}`);
}

export function testCustomer(overrides: Partial<TestCustomer> = {}): TestCustomer {
  return {
    id: randomUUID(),
    companyName: 'Test Customer Ltd',
    email: 'billing@test-customer.example',
    taxId: 'GB123456789',
    locale: 'en',
    currency: 'GBP',
    archived: false,
    billingAddress: {
      line1: '1 Test Street',
      line2: null,
      city: 'London',
      region: null,
      postalCode: 'E1 1AA',
      country: 'GB',
    },
    ...overrides,
  };
}
