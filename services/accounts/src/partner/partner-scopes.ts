/** Every scope a partner client can be granted. Write scopes imply nothing about read. */
export const PARTNER_SCOPES = [
  'customers:read',
  'invoices:read',
  'invoices:write',
  'payments:read',
  'payments:write',
  'quotes:read',
  'quotes:write',
  'orders:read',
  'documents:read',
  'messages:read',
  'messages:write',
] as const;
