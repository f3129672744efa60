import { DEMO_CUSTOMER_IDS, DEMO_STAFF_USER_ID, type StaffPrincipal } from '@portico/kit';
import { CommentRow } from '../comment/comment.entity';
import type { MessagingServices } from '../context';
import { threadIdOf } from '../thread/thread-id';

const DEMO_STAFF: StaffPrincipal = {
  kind: 'staff',
  staffUserId: DEMO_STAFF_USER_ID,
  roles: ['admin'],
};

/**
 * A welcome from the business in each demo customer's general conversation
 * and an internal note beside it (the records' own events fill the other
 * threads). Only into a database without messages or notes.
 */
export async function seedMessagingDemo(services: MessagingServices): Promise<boolean> {
  const written = await services.db.manager
    .getRepository(CommentRow)
    .createQueryBuilder('c')
    .where("c.kind <> 'system'")
    .getCount();
  if (written > 0) return false;
  for (const [key, customerId] of Object.entries(DEMO_CUSTOMER_IDS)) {
    const threadId = threadIdOf({ kind: 'general', id: customerId });
    await services.comments.post(DEMO_STAFF, {
      threadId,
      kind: 'message',
      body: `Welcome to your portal, ${key === 'acme' ? 'Acme' : 'Globex'}! Write to us here about anything; questions about one invoice, quote, order or document are best asked in its own thread.`,
      clientMutationId: `demo-welcome-${key}`,
    });
    await services.comments.post(DEMO_STAFF, {
      threadId,
      kind: 'internal_note',
      body: 'Demo note for staff only: customers never see internal notes.',
      clientMutationId: `demo-note-${key}`,
    });
  }
  return true;
}
