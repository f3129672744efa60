/**
 * Every scope a partner client can be granted. Write scopes imply nothing
 * about read. `contacts:read` is the people of a customer (names, emails):
 * personal data, granted apart from the company's profile (`customers:read`).
 */
export const PARTNER_SCOPES = [
  'customers:read',
  'contacts:read',
  'invoices:read',
  'invoices:write',
  'payments:read',
  'payments:write',
  'quotes:read',
  'quotes:write',
  'quotes:decide',
  'orders:read',
  'documents:read',
  'messages:read',
  'messages:write',
] as const;
