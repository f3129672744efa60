import { randomUUID } from 'node:crypto';
import { forUpdate, notFoundError, type Database, type Outbox } from '@portico/kit';
import { diff, type AuditActor, type AuditService } from '../audit/audit.service';
import { customerEvent, type CustomerEventType } from '../events/accounts-events';
import { ORGANISATION_ROW_ID, OrganisationProfile } from '../organisation/organisation.entity';
import * as rules from '../validation/input-rules';
import { Customer } from './customer.entity';

export const MAX_NOTES_LENGTH = 10_000;

export interface NewCustomer {
  companyName: string;
  displayName?: string | null;
  email: string;
  billingAddress: rules.AddressInput;
  taxId?: string | null;
  locale?: string | null;
  currency?: string | null;
  notes?: string | null;
}

export interface CustomerChanges {
  companyName?: string | null;
  displayName?: string | null;
  email?: string | null;
  billingAddress?: rules.AddressInput | null;
  taxId?: string | null;
  locale?: string | null;
  currency?: string | null;
  notes?: string | null;
}

/** The columns the audit log compares (notes included: the log is for admins). */
function audited(customer: Customer): Record<string, unknown> {
  return {
    companyName: customer.companyName,
    displayName: customer.displayName,
    email: customer.email,
    billingAddress: customer.billingAddress,
    taxId: customer.taxId,
    locale: customer.locale,
    currency: customer.currency,
    notes: customer.notes,
    archivedAt: customer.archivedAt ? customer.archivedAt.toISOString() : null,
  };
}

function addressColumns(a: rules.Address): Partial<Customer> {
  return {
    billingLine1: a.line1,
    billingLine2: a.line2,
    billingCity: a.city,
    billingRegion: a.region,
    billingPostalCode: a.postalCode,
    billingCountry: a.country,
  };
}

/**
 * Staff create, change and archive customers. Every input is checked before
 * anything is written; each change writes the row, its audit entry and its
 * domain event in one transaction, under the customer's row lock so that a
 * customer's events keep their order.
 */
export class CustomerAdminService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AuditActor, input: NewCustomer): Promise<Customer> {
    const companyName = rules.requiredText(input.companyName, 'companyName', 200);
    const displayName =
      input.displayName === undefined || input.displayName === null
        ? companyName
        : rules.requiredText(input.displayName, 'displayName', 200);
    const email = rules.email(input.email, 'email');
    const address = rules.address(input.billingAddress, 'billingAddress');
    const taxId = rules.taxId(input.taxId, 'taxId');
    const notes = rules.optionalText(input.notes, 'notes', MAX_NOTES_LENGTH);
    const profile =
      input.locale && input.currency
        ? null
        : await this.db.manager
            .getRepository(OrganisationProfile)
            .findOneBy({ id: ORGANISATION_ROW_ID });
    const locale = rules.locale(input.locale ?? profile?.defaultLocale, 'locale');
    const currency = rules.currency(input.currency ?? profile?.defaultCurrency, 'currency');
    const now = new Date();
    return this.outbox.transaction(async (manager, emit) => {
      const repo = manager.getRepository(Customer);
      const customer = repo.create({
        id: randomUUID(),
        companyName,
        displayName,
        email,
        currency,
        locale,
        ...addressColumns(address),
        taxId,
        notes,
        portalEnabled: true,
        archivedAt: null,
        createdAt: now,
        updatedAt: null,
      });
      await repo.insert(customer);
      await this.audit.record(manager, actor, {
        action: 'customer.create',
        entityType: 'customer',
        entityId: customer.id,
        changes: diff(null, audited(customer)),
      });
      await emit(customerEvent('customer.created', customer));
      return customer;
    });
  }

  async update(actor: AuditActor, id: string, input: CustomerChanges): Promise<Customer> {
    const has = (key: keyof CustomerChanges) => input[key] !== undefined;
    const set: Partial<Customer> = {};
    if (has('companyName')) {
      set.companyName = rules.requiredText(input.companyName, 'companyName', 200);
    }
    if (has('displayName')) {
      set.displayName = rules.requiredText(input.displayName, 'displayName', 200);
    }
    if (has('email')) set.email = rules.email(input.email, 'email');
    if (has('billingAddress')) {
      Object.assign(set, addressColumns(rules.address(input.billingAddress, 'billingAddress')));
    }
    if (has('taxId')) set.taxId = rules.taxId(input.taxId, 'taxId');
    if (has('locale')) set.locale = rules.locale(input.locale, 'locale');
    if (has('currency')) set.currency = rules.currency(input.currency, 'currency');
    if (has('notes')) set.notes = rules.optionalText(input.notes, 'notes', MAX_NOTES_LENGTH);
    return this.change(actor, id, 'customer.update', 'customer.updated', () => set);
  }

  archive(actor: AuditActor, id: string): Promise<Customer> {
    return this.change(actor, id, 'customer.archive', 'customer.archived', (current) =>
      // Whole seconds, as the DATETIME column keeps it: the event says what a later read says.
      current.archivedAt ? {} : { archivedAt: new Date(Math.floor(Date.now() / 1000) * 1000) },
    );
  }

  unarchive(actor: AuditActor, id: string): Promise<Customer> {
    return this.change(actor, id, 'customer.unarchive', 'customer.updated', (current) =>
      current.archivedAt ? { archivedAt: null } : {},
    );
  }

  /** Applies `changes` under the row lock; nothing is written (no audit, no event) when nothing changes. */
  private change(
    actor: AuditActor,
    id: string,
    action: string,
    eventType: CustomerEventType,
    changes: (current: Customer) => Partial<Customer>,
  ): Promise<Customer> {
    return this.outbox.transaction(async (manager, emit) => {
      const repo = manager.getRepository(Customer);
      const current = await repo.findOne({ where: { id }, ...forUpdate(manager) });
      if (!current) throw notFoundError('Customer');
      const next = repo.create({ ...current, ...changes(current) });
      const changed = diff(audited(current), audited(next));
      if (Object.keys(changed).length === 0) return current;
      next.updatedAt = new Date();
      await repo.save(next);
      await this.audit.record(manager, actor, {
        action,
        entityType: 'customer',
        entityId: id,
        changes: changed,
      });
      await emit(customerEvent(eventType, next));
      return next;
    });
  }
}
