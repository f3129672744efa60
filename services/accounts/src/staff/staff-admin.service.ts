import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  codedError,
  ErrorCode,
  forUpdate,
  notFoundError,
  revocationSubject,
  STAFF_ROLES,
  type Database,
  type StaffRole,
} from '@portico/kit';
import { diff, type AuditActor, type AuditService } from '../audit/audit.service';
import type { PasswordHasher } from '../auth/password-hasher';
import { assertPasswordAcceptable } from '../auth/password-policy';
import { invalidToken, type ActionTokenService } from '../contact/action-token.service';
import { staffInvitationMail } from '../mail/mail-templates';
import type { MailTransport } from '../mail/mail-transport';
import { ORGANISATION_ROW_ID, OrganisationProfile } from '../organisation/organisation.entity';
import type { RevocationLog } from '../session/revocation-log';
import { endSessionsAndLinks } from '../session/session.service';
import * as rules from '../validation/input-rules';
import { isUniqueViolation, lockedByEmail } from '../validation/unique-violation';
import { parseRoles, StaffUser, StaffUserStatus } from './staff-user.entity';

export interface StaffInvitationLinks {
  /** Base URL of the web app; the staff invitation page is under it. */
  portalUrl: string;
  portalName: string;
  invitationTtlMs: number;
}

function lastAdmin(field: string) {
  return codedError(
    ErrorCode.BadUserInput,
    'The last active admin cannot be disabled or lose the admin role; make another admin first',
    { extensions: { field, reason: 'last-admin' } },
  );
}

function emailTaken() {
  return rules.badInput('a staff user with this email exists', 'email');
}

function parseRoleInput(roles: readonly string[] | null | undefined): StaffRole[] {
  const list = [...new Set(roles ?? [])];
  if (list.length === 0) throw rules.badInput('give at least one role', 'roles');
  if (!list.every((r) => (STAFF_ROLES as readonly string[]).includes(r))) {
    throw rules.badInput('unknown role', 'roles');
  }
  return STAFF_ROLES.filter((r) => list.includes(r));
}

function audited(staff: StaffUser): Record<string, unknown> {
  return {
    name: staff.name,
    email: staff.email,
    roles: parseRoles(staff.roleList),
    status: staff.status,
  };
}

function isActiveAdmin(staff: StaffUser): boolean {
  return staff.status === StaffUserStatus.ACTIVE && parseRoles(staff.roleList).includes('admin');
}

/**
 * Admins invite staff, change their roles and disable them. The rule "at
 * least one active admin remains" is checked with every staff row locked
 * (SELECT … FOR UPDATE, in id order), so two admins demoting each other at
 * the same time cannot both succeed on MySQL/MariaDB; SQLite runs the
 * transactions one at a time.
 */
export class StaffAdminService {
  constructor(
    private readonly db: Database,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly revocations: RevocationLog,
    private readonly actionTokens: ActionTokenService,
    private readonly mail: MailTransport,
    private readonly links: StaffInvitationLinks,
  ) {}

  list(): Promise<StaffUser[]> {
    return this.db.manager.getRepository(StaffUser).find({ order: { email: 'ASC', id: 'ASC' } });
  }

  async invite(
    actor: AuditActor,
    input: { email: string; name: string; roles: readonly string[] },
  ): Promise<StaffUser> {
    const email = rules.email(input.email, 'email');
    const name = rules.requiredText(input.name, 'name', 200);
    const roles = parseRoleInput(input.roles);
    let staff: StaffUser;
    try {
      staff = await this.db.transaction(async (manager) => {
        const repo = manager.getRepository(StaffUser);
        const existing = await lockedByEmail(manager, StaffUser, email);
        if (existing && existing.status !== StaffUserStatus.INVITED) throw emailTaken();
        if (existing) {
          // Inviting someone who has not accepted yet sends a new link (the
          // old one stops working) with the roles and name given now.
          const next = repo.create({ ...existing, name, roleList: roles.join(',') });
          await repo.update({ id: existing.id }, { name, roleList: next.roleList });
          await this.audit.record(manager, actor, {
            action: 'staffUser.reinvite',
            entityType: 'staffUser',
            entityId: existing.id,
            changes: diff(audited(existing), audited(next)),
          });
          return next;
        }
        const created = repo.create({
          id: randomUUID(),
          name,
          email,
          passwordHash: null,
          roleList: roles.join(','),
          lastSignInAt: null,
          createdAt: new Date(),
          disabledAt: null,
          invitedBy: actor.id,
        });
        await repo.insert(created);
        await this.audit.record(manager, actor, {
          action: 'staffUser.invite',
          entityType: 'staffUser',
          entityId: created.id,
          changes: diff(null, audited(created)),
        });
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    await this.sendInvitation(staff, actor.id);
    return staff;
  }

  private async sendInvitation(staff: StaffUser, invitedBy: string | null): Promise<void> {
    const token = await this.actionTokens.issue(
      'invitation',
      { kind: 'staff', id: staff.id },
      this.links.invitationTtlMs,
      invitedBy,
    );
    const profile = await this.db.manager
      .getRepository(OrganisationProfile)
      .findOneBy({ id: ORGANISATION_ROW_ID });
    const link = `${this.links.portalUrl.replace(/\/$/, '')}/staff/accept-invitation?token=${encodeURIComponent(token)}`;
    await this.mail.send({
      to: staff.email,
      ...staffInvitationMail({
        locale: profile?.defaultLocale,
        portalName: this.links.portalName,
        staffName: staff.name,
        organisationName: profile?.tradingName ?? profile?.legalName ?? this.links.portalName,
        link,
        validDays: Math.round(this.links.invitationTtlMs / 86_400_000),
      }),
    });
  }

  /** Sets the invited user's password from the link; returns the user to sign in. */
  async acceptInvitation(token: string, password: string): Promise<StaffUser> {
    const stored = await this.actionTokens.peek('invitation', token);
    if (stored.subjectKind !== 'staff') throw invalidToken();
    const staff = await this.db.manager
      .getRepository(StaffUser)
      .findOneBy({ id: stored.subjectId });
    if (!staff || staff.disabledAt || staff.passwordHash) throw invalidToken();
    assertPasswordAcceptable(password, 'password', staff.email);
    const passwordHash = await this.hasher.hash(password);
    await this.actionTokens.consume(stored);
    const accepted = await this.db.transaction(async (manager) => {
      const repo = manager.getRepository(StaffUser);
      const next = repo.create({ ...staff, passwordHash });
      await repo.update({ id: staff.id }, { passwordHash });
      await this.audit.record(
        manager,
        { kind: 'staff', id: staff.id },
        {
          action: 'staffUser.acceptInvitation',
          entityType: 'staffUser',
          entityId: staff.id,
          changes: diff(audited(staff), audited(next)),
        },
      );
      return next;
    });
    return accepted;
  }

  /** Replaces a user's roles. Removing a role ends the user's sessions (tokens carry roles). */
  updateRoles(
    actor: AuditActor,
    staffUserId: string,
    roleInput: readonly string[],
  ): Promise<StaffUser> {
    const roles = parseRoleInput(roleInput);
    return this.lockedChange(staffUserId, async (manager, current, all) => {
      const before = parseRoles(current.roleList);
      if (isActiveAdmin(current) && !roles.includes('admin') && activeAdmins(all) <= 1) {
        throw lastAdmin('roles');
      }
      const next = manager
        .getRepository(StaffUser)
        .create({ ...current, roleList: roles.join(',') });
      const changes = diff(audited(current), audited(next));
      if (Object.keys(changes).length === 0) return { staff: current, revoke: false };
      await manager
        .getRepository(StaffUser)
        .update({ id: current.id }, { roleList: next.roleList });
      const lostRole = before.some((r) => !roles.includes(r));
      if (lostRole) {
        await endSessionsAndLinks(manager, { kind: 'staff', id: current.id }, 'roles-changed');
      }
      await this.audit.record(manager, actor, {
        action: 'staffUser.updateRoles',
        entityType: 'staffUser',
        entityId: current.id,
        changes,
      });
      return { staff: next, revoke: lostRole };
    });
  }

  /** Disables the user: their sessions and links end now. */
  disable(actor: AuditActor, staffUserId: string): Promise<StaffUser> {
    return this.lockedChange(staffUserId, async (manager, current, all) => {
      if (current.disabledAt) return { staff: current, revoke: false };
      if (isActiveAdmin(current) && activeAdmins(all) <= 1) throw lastAdmin('staffUserId');
      const next = manager.getRepository(StaffUser).create({ ...current, disabledAt: new Date() });
      await manager
        .getRepository(StaffUser)
        .update({ id: current.id }, { disabledAt: next.disabledAt });
      await endSessionsAndLinks(manager, { kind: 'staff', id: current.id }, 'staff-disabled');
      await this.audit.record(manager, actor, {
        action: 'staffUser.disable',
        entityType: 'staffUser',
        entityId: current.id,
        changes: diff(audited(current), audited(next)),
      });
      return { staff: next, revoke: true };
    });
  }

  /**
   * Runs `change` in a revoking transaction with every staff row locked; the
   * user's revocation is logged only when `change` says so.
   */
  private async lockedChange(
    staffUserId: string,
    change: (
      manager: EntityManager,
      current: StaffUser,
      all: StaffUser[],
    ) => Promise<{ staff: StaffUser; revoke: boolean }>,
  ): Promise<StaffUser> {
    let result: StaffUser | null = null;
    await this.revocations.revoke(
      [revocationSubject.person('staff', staffUserId)],
      async (manager) => {
        const all = await manager
          .getRepository(StaffUser)
          .find({ order: { id: 'ASC' }, ...forUpdate(manager) });
        const current = all.find((s) => s.id === staffUserId);
        if (!current) throw notFoundError('Staff user');
        const outcome = await change(manager, current, all);
        result = outcome.staff;
        return outcome.revoke;
      },
    );
    return result!;
  }
}

function activeAdmins(all: StaffUser[]): number {
  return all.filter(isActiveAdmin).length;
}
