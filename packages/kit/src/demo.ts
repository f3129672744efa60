/**
 * Well-known ids of the demo customers. Each service seeds its own demo rows
 * (services share no database), and these ids tie them together.
 */
export const DEMO_CUSTOMER_IDS = {
  acme: '00000000-0000-4000-8000-00000000a001',
  globex: '00000000-0000-4000-8000-00000000a002',
} as const;

/** The demo's staff admin, so the demo's messages name a real author in every service. */
export const DEMO_STAFF_USER_ID = '00000000-0000-4000-8000-00000000d001';
