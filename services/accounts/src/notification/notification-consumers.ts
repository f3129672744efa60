import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  EventConsumer,
  type ApplyOutcome,
  type Database,
  type EventConsumerOptions,
  type EventEnvelope,
  type EventFollow,
  type EventTransport,
} from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { NotificationDelivery } from './notification-delivery.entity';
import { parseCommentPosted, parseDocumentShared, type CommentPosted } from './notification-events';
import {
  businessReplyMail,
  customerMessageMail,
  documentSharedMail,
  notificationMessageId,
  portalLink,
  type Mail,
} from './notification-mails';
import { customerAudience, organisationSender, staffAudience } from './notification-recipients';

/** Consumer names, the same in every instance of accounts. */
export const MESSAGING_CONSUMER = 'accounts.messaging';
export const DOCUMENTS_CONSUMER = 'accounts.documents';

/** An event consumer that says when an applied event committed (the sender then looks at once). */
class CommittingConsumer extends EventConsumer {
  constructor(
    db: Database,
    options: EventConsumerOptions,
    private readonly onCommitted: () => void,
  ) {
    super(db, options);
  }

  override async apply(event: EventEnvelope, inOrder = false): Promise<ApplyOutcome> {
    const outcome = await super.apply(event, inOrder);
    if (outcome === 'applied') this.onCommitted();
    return outcome;
  }
}

interface Recipient {
  /** `contact:<id>` or `staff:<id>`. */
  key: string;
  email: string;
  mail: Mail;
}

/** Writes one delivery row per recipient in the event's transaction; a row that exists stays. */
async function enqueue(
  manager: EntityManager,
  event: EventEnvelope,
  customerId: string,
  recipients: Recipient[],
): Promise<void> {
  if (recipients.length === 0) return;
  const now = new Date();
  await manager
    .getRepository(NotificationDelivery)
    .createQueryBuilder()
    .insert()
    .values(
      recipients.map((r) => ({
        id: randomUUID(),
        eventId: event.id,
        producer: event.producer,
        eventType: event.type,
        customerId,
        recipient: r.key,
        email: r.email,
        mailSubject: r.mail.subject,
        text: r.mail.text,
        messageId: notificationMessageId(event.id, r.key),
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        createdAt: now,
        sentAt: null,
      })),
    )
    .orIgnore()
    .execute();
}

/** The customer an event concerns, when its envelope and payload agree. */
function customerOf(event: EventEnvelope, payloadCustomerId: string): string | null {
  return event.customerId === null || event.customerId === payloadCustomerId
    ? payloadCustomerId
    : null;
}

export interface NotificationOptions {
  /** Used until the organisation profile exists. */
  portalUrl: string;
  portalName: string;
}

/**
 * Decides who is mailed about messaging's and documents' events and writes
 * those mails, once per event and recipient, in the transaction that applies
 * the event:
 * - a message by staff, or a document shared: every contact of the customer
 *   that gets notifications (see `customerAudience`), in the customer's language;
 * - a message by a contact: the conversation's assignee, else admins and support;
 * - internal notes and system items: nobody.
 */
export class NotificationConsumers {
  readonly messaging: EventConsumer;
  readonly documents: EventConsumer;

  constructor(
    db: Database,
    private readonly options: NotificationOptions,
    onCommitted: () => void,
  ) {
    this.messaging = new CommittingConsumer(
      db,
      {
        name: MESSAGING_CONSUMER,
        handlers: { 'comment.posted': (manager, event) => this.commentPosted(manager, event) },
      },
      onCommitted,
    );
    this.documents = new CommittingConsumer(
      db,
      {
        name: DOCUMENTS_CONSUMER,
        handlers: { 'document.shared': (manager, event) => this.documentShared(manager, event) },
      },
      onCommitted,
    );
  }

  /** Follows messaging's and documents' events. */
  follow(transport: EventTransport): EventFollow[] {
    return [
      transport.follow('messaging', this.messaging),
      transport.follow('documents', this.documents),
    ];
  }

  private async commentPosted(manager: EntityManager, event: EventEnvelope): Promise<void> {
    const comment = parseCommentPosted(event.payload);
    if (!comment || comment.kind !== 'message' || !comment.author) return;
    const customerId = customerOf(event, comment.customerId);
    if (!customerId) return;
    const recipients =
      comment.author.kind === 'staff'
        ? await this.toContacts(manager, customerId, comment)
        : await this.toStaff(manager, customerId, comment, comment.author.contactId);
    await enqueue(manager, event, customerId, recipients);
  }

  private async toContacts(
    manager: EntityManager,
    customerId: string,
    comment: CommentPosted,
  ): Promise<Recipient[]> {
    const audience = await customerAudience(manager, customerId);
    if (!audience) return [];
    const sender = await organisationSender(manager, this.options);
    const link = portalLink(sender.portalUrl, 'threads', comment.threadId);
    return audience.contacts.map((contact) => ({
      key: `contact:${contact.id}`,
      email: contact.email,
      mail: businessReplyMail({
        locale: audience.customer.locale,
        organisationName: sender.name,
        contactName: contact.name,
        subject: comment.subject,
        link,
      }),
    }));
  }

  private async toStaff(
    manager: EntityManager,
    customerId: string,
    comment: CommentPosted,
    contactId: string,
  ): Promise<Recipient[]> {
    const contact = await manager.getRepository(Contact).findOneBy({ id: contactId });
    // A message "by" a contact of another customer is not believed.
    if (!contact || contact.customerId !== customerId) return [];
    const customer = await manager.getRepository(Customer).findOneBy({ id: customerId });
    if (!customer) return [];
    const { staff, assigned } = await staffAudience(manager, comment.assigneeStaffUserId);
    const sender = await organisationSender(manager, this.options);
    const link = portalLink(sender.portalUrl, 'staff', 'threads', comment.threadId);
    return staff.map((member) => ({
      key: `staff:${member.id}`,
      email: member.email,
      mail: customerMessageMail({
        locale: sender.locale,
        staffName: member.name,
        contactName: contact.name,
        companyName: customer.companyName,
        subject: comment.subject,
        link,
        assigned,
      }),
    }));
  }

  private async documentShared(manager: EntityManager, event: EventEnvelope): Promise<void> {
    const document = parseDocumentShared(event.payload);
    if (!document) return;
    const customerId = customerOf(event, document.customerId);
    if (!customerId) return;
    const audience = await customerAudience(manager, customerId);
    if (!audience) return;
    const sender = await organisationSender(manager, this.options);
    const link = portalLink(sender.portalUrl, 'documents', document.documentId);
    await enqueue(
      manager,
      event,
      customerId,
      audience.contacts.map((contact) => ({
        key: `contact:${contact.id}`,
        email: contact.email,
        mail: documentSharedMail({
          locale: audience.customer.locale,
          organisationName: sender.name,
          contactName: contact.name,
          companyName: audience.customer.companyName,
          title: document.title,
          link,
        }),
      })),
    );
  }
}
