import { forUpdate, type Database, type Outbox } from '@portico/kit';
import { diff, type AuditActor, type AuditService } from '../audit/audit.service';
import { organisationEvent } from '../events/accounts-events';
import * as rules from '../validation/input-rules';
import { parseLogo } from './logo';
import { ORGANISATION_ROW_ID, OrganisationProfile } from './organisation.entity';

export interface OrganisationProfileChanges {
  legalName?: string | null;
  tradingName?: string | null;
  address?: rules.AddressInput | null;
  taxId?: string | null;
  supportEmail?: string | null;
  defaultCurrency?: string | null;
  defaultLocale?: string | null;
  portalUrl?: string | null;
  /** Base64 PNG or JPEG; null removes the logo; left out keeps it. */
  logoBase64?: string | null;
}

/** What the audit log records of a profile: the logo by its hash, never its bytes. */
function audited(profile: OrganisationProfile | null): Record<string, unknown> | null {
  if (!profile) return null;
  return {
    legalName: profile.legalName,
    tradingName: profile.tradingName,
    address: profile.address,
    taxId: profile.taxId,
    supportEmail: profile.supportEmail,
    defaultCurrency: profile.defaultCurrency,
    defaultLocale: profile.defaultLocale,
    portalUrl: profile.portalUrl,
    logoSha256: profile.logoSha256,
  };
}

/** The single organisation profile: read by anyone signed in, changed by admins. */
export class OrganisationService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
  ) {}

  get(): Promise<OrganisationProfile | null> {
    return this.db.manager
      .getRepository(OrganisationProfile)
      .findOneBy({ id: ORGANISATION_ROW_ID });
  }

  /**
   * Validates everything before writing anything; then updates (or first
   * creates) the row under its lock, with its audit entry and its
   * `organisation.updated` event, in one transaction.
   */
  async update(actor: AuditActor, input: OrganisationProfileChanges): Promise<OrganisationProfile> {
    const has = (key: keyof OrganisationProfileChanges) => input[key] !== undefined;
    const set: Partial<OrganisationProfile> = {};
    if (has('legalName')) set.legalName = rules.requiredText(input.legalName, 'legalName', 200);
    if (has('tradingName'))
      set.tradingName = rules.optionalText(input.tradingName, 'tradingName', 200);
    if (has('address')) {
      const a = rules.address(input.address, 'address');
      Object.assign(set, {
        addressLine1: a.line1,
        addressLine2: a.line2,
        addressCity: a.city,
        addressRegion: a.region,
        addressPostalCode: a.postalCode,
        addressCountry: a.country,
      });
    }
    if (has('taxId')) set.taxId = rules.taxId(input.taxId, 'taxId');
    if (has('supportEmail')) set.supportEmail = rules.email(input.supportEmail, 'supportEmail');
    if (has('defaultCurrency')) {
      set.defaultCurrency = rules.currency(input.defaultCurrency, 'defaultCurrency');
    }
    if (has('defaultLocale'))
      set.defaultLocale = rules.locale(input.defaultLocale, 'defaultLocale');
    if (has('portalUrl')) set.portalUrl = rules.httpUrl(input.portalUrl, 'portalUrl');
    if (input.logoBase64 === null) {
      Object.assign(set, { logo: null, logoType: null, logoSha256: null });
    } else if (input.logoBase64 !== undefined) {
      const logo = parseLogo(input.logoBase64, 'logoBase64');
      Object.assign(set, { logo: logo.bytes, logoType: logo.type, logoSha256: logo.sha256 });
    }
    return this.outbox.transaction(async (manager, emit) => {
      const repo = manager.getRepository(OrganisationProfile);
      const current = await repo.findOne({
        where: { id: ORGANISATION_ROW_ID },
        ...forUpdate(manager),
      });
      if (!current) {
        for (const field of [
          'legalName',
          'address',
          'supportEmail',
          'defaultCurrency',
          'defaultLocale',
          'portalUrl',
        ] as const) {
          if (!has(field)) {
            throw rules.badInput(`${field} is required for the first profile`, field);
          }
        }
      }
      const next = repo.create({
        ...(current ?? { id: ORGANISATION_ROW_ID, tradingName: null, taxId: null }),
        ...(current ? {} : { logo: null, logoType: null, logoSha256: null }),
        ...set,
        updatedAt: new Date(),
        updatedByKind: actor.kind,
        updatedById: actor.id,
      });
      const changes = diff(audited(current), audited(next)!);
      if (current && Object.keys(changes).length === 0) return current;
      // The first save inserts. Two first saves at once both lock the missing
      // row (gap locks do not exclude each other) and deadlock on the insert;
      // the kit runs the victim again, and then it finds this row and updates it.
      if (current) await repo.save(next);
      else await repo.insert(next);
      await this.audit.record(manager, actor, {
        action: current ? 'organisation.update' : 'organisation.create',
        entityType: 'organisation',
        entityId: ORGANISATION_ROW_ID,
        changes,
      });
      await emit(organisationEvent(next));
      return next;
    });
  }
}
