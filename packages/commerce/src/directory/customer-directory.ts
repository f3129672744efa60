import { In, type EntityManager } from 'typeorm';
import {
  codedError,
  ErrorCode,
  EventConsumer,
  fetchFeedHead,
  type Database,
  type EventFollow,
  type EventTransport,
  type EventEnvelope,
  type EventHandler,
} from '@portico/kit';
import {
  CUSTOMER_EVENTS,
  customerState,
  ORGANISATION_EVENTS,
  organisationState,
  type OrganisationState,
} from './accounts-events';
import { DirectoryCustomer, DirectoryOrganisation } from './directory.entity';
import type { PartyAddressValue, PartyValue } from './party';

const ORGANISATION_ROW = 'organisation';

/** Brings the directory up to what accounts had committed when called; false if it could not. */
export type CatchUp = () => Promise<boolean>;

async function applyCustomer(manager: EntityManager, event: EventEnvelope): Promise<void> {
  const state = customerState(event);
  await manager.getRepository(DirectoryCustomer).upsert(
    {
      id: state.id,
      companyName: state.companyName,
      displayName: state.displayName,
      email: state.email,
      taxId: state.taxId,
      locale: state.locale,
      currency: state.currency,
      billingAddress: JSON.stringify(state.billingAddress),
      archived: state.archived,
      updatedAt: new Date(event.occurredAt),
    },
    ['id'],
  );
}

async function applyOrganisation(manager: EntityManager, event: EventEnvelope): Promise<void> {
  await manager.getRepository(DirectoryOrganisation).upsert(
    {
      id: ORGANISATION_ROW,
      profile: JSON.stringify(organisationState(event)),
      updatedAt: new Date(event.occurredAt),
    },
    ['id'],
  );
}

function unknownCustomer(field: string, why = 'unknown customer') {
  return codedError(ErrorCode.BadUserInput, why, { extensions: { field } });
}

/**
 * Whom a service may bill or quote: its local copy of accounts' customers and of the
 * organisation profile, kept by applying accounts' events once each. Before
 * deciding on a customer it catches up with accounts, so a customer created,
 * changed or archived a moment ago is seen as it now is.
 */
export class CustomerDirectory {
  readonly consumer: EventConsumer;
  private catchUp: CatchUp = async () => false;

  /** `consumerName` is the same in every instance of one service (`billing.directory`). */
  constructor(
    private readonly db: Database,
    consumerName: string,
  ) {
    const handlers: Record<string, EventHandler> = {};
    for (const type of CUSTOMER_EVENTS) handlers[type] = applyCustomer;
    for (const type of ORGANISATION_EVENTS) handlers[type] = applyOrganisation;
    this.consumer = new EventConsumer(db, { name: consumerName, handlers });
  }

  /** How to catch up with accounts (set once the event transport is following it). */
  useCatchUp(catchUp: CatchUp): void {
    this.catchUp = catchUp;
  }

  find(
    customerId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<DirectoryCustomer | null> {
    return manager.getRepository(DirectoryCustomer).findOneBy({ id: customerId });
  }

  /**
   * The customer, when the service may issue something new to it or take its
   * money; otherwise BAD_USER_INPUT "unknown customer" on `field` (an
   * archived customer is refused alike, saying so).
   */
  async requireActive(customerId: string, field = 'customerId'): Promise<DirectoryCustomer> {
    // Whatever accounts committed before this request (a customer just
    // created, renamed or archived) is applied first. When accounts cannot
    // be reached, the service decides on what it last heard.
    await this.catchUp().catch(() => false);
    const customer = await this.find(customerId);
    if (!customer) throw unknownCustomer(field);
    if (customer.archived)
      throw unknownCustomer(field, 'unknown customer: the customer is archived');
    return customer;
  }

  /** Waits (catching up with accounts) until every one of `ids` is known; false after `timeoutMs`. */
  async waitForCustomers(ids: string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.db.manager.getRepository(DirectoryCustomer).countBy({ id: In(ids) });
      if (found === new Set(ids).size) return true;
      if (Date.now() >= deadline) return false;
      await this.catchUp().catch(() => false);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async organisation(manager: EntityManager = this.db.manager): Promise<OrganisationState | null> {
    const row = await manager
      .getRepository(DirectoryOrganisation)
      .findOneBy({ id: ORGANISATION_ROW });
    return row ? (JSON.parse(row.profile) as OrganisationState) : null;
  }

  /** The issuer as it stands now, for freezing on a document (null before accounts said). */
  async issuer(manager?: EntityManager): Promise<PartyValue | null> {
    const org = await this.organisation(manager);
    if (!org) return null;
    return {
      name: org.legalName,
      tradingName: org.tradingName && org.tradingName !== org.legalName ? org.tradingName : null,
      taxId: org.taxId,
      email: org.supportEmail,
      address: org.address,
      locale: null,
    };
  }

  /** The recipient as it stands now, for freezing on a document. */
  recipient(customer: DirectoryCustomer): PartyValue {
    return {
      name: customer.companyName,
      tradingName: null,
      taxId: customer.taxId,
      email: customer.email,
      address: JSON.parse(customer.billingAddress) as PartyAddressValue,
      locale: customer.locale,
    };
  }
}

/**
 * Follows accounts' events into `directory`, and lets the directory catch up
 * with accounts (its feed's head at `accountsFeedUrl`) before it refuses a
 * customer.
 */
export function followAccounts(
  transport: EventTransport,
  directory: CustomerDirectory,
  accountsFeedUrl: string,
  claimsSecret: string,
): EventFollow {
  const follow = transport.follow('accounts', directory.consumer);
  directory.useCatchUp(async () =>
    follow.caughtUp(await fetchFeedHead(accountsFeedUrl, claimsSecret, 2_000), 3_000),
  );
  return follow;
}
