import { randomUUID, timingSafeEqual } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import {
  codedError,
  ErrorCode,
  forUpdate,
  hashOpaqueToken as hashSecret,
  newOpaqueToken,
  notFoundError,
  revocationSubject,
  type Database,
} from '@portico/kit';
import type { IssuedToken, TokenIssuer } from '../auth/token-issuer';
import { Customer } from '../customer/customer.entity';
import { PartnerClient } from './partner-client.entity';
import { PARTNER_SCOPES } from './partner-scopes';
import type { RevocationLog } from '../session/revocation-log';

const SECRET_PREFIX = 'pcs_';

function newSecret(): string {
  return newOpaqueToken(SECRET_PREFIX);
}

function badInput(message: string, field: string) {
  return codedError(ErrorCode.BadUserInput, message, { extensions: { field } });
}

export interface NewPartnerClient {
  name: string;
  scopes: string[];
  customerIds?: string[] | null;
}

export class PartnerClientService {
  constructor(
    private readonly db: Database,
    private readonly tokens: TokenIssuer,
    private readonly revocations: RevocationLog,
  ) {}

  private repo() {
    return this.db.manager.getRepository(PartnerClient);
  }

  list(): Promise<PartnerClient[]> {
    return this.repo().find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async create(
    staffUserId: string,
    input: NewPartnerClient,
  ): Promise<{ client: PartnerClient; secret: string }> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('name must be 1 to 200 characters', 'name');
    const scopes = [...new Set(input.scopes)];
    const unknown = scopes.filter((s) => !(PARTNER_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0) throw badInput('grant at least one scope', 'scopes');
    if (unknown.length > 0) throw badInput(`unknown scopes: ${unknown.join(', ')}`, 'scopes');
    let customerIds: string[] | null = null;
    if (input.customerIds !== undefined && input.customerIds !== null) {
      customerIds = [...new Set(input.customerIds)];
      if (customerIds.length === 0) {
        throw badInput('customerIds must list at least one customer, or be omitted', 'customerIds');
      }
      const found = await this.db.manager.getRepository(Customer).findBy({ id: In(customerIds) });
      const missing = customerIds.filter((id) => !found.some((c) => c.id === id));
      if (missing.length > 0)
        throw badInput(`unknown customers: ${missing.join(', ')}`, 'customerIds');
    }
    const secret = newSecret();
    const now = new Date();
    const client = this.repo().create({
      id: randomUUID(),
      name,
      secretHash: hashSecret(secret),
      scopeList: scopes.join(' '),
      customerIdList: customerIds === null ? null : JSON.stringify(customerIds),
      createdBy: staffUserId,
      createdAt: now,
      secretIssuedAt: now,
      secretGeneration: 1,
      tokensFromGeneration: 1,
      revokedAt: null,
      lastTokenAt: null,
    });
    await this.repo().save(client);
    return { client, secret };
  }

  /**
   * A new secret; the old one gets no more tokens at once. With
   * `endIssuedTokens` the tokens already issued with an older secret are
   * refused from their next request (the gateways hear of it through the
   * revocation log); without, they live until they expire.
   */
  async rotateSecret(
    id: string,
    options: { endIssuedTokens: boolean },
  ): Promise<{ client: PartnerClient; secret: string; issuedTokensEnded: boolean }> {
    const secret = newSecret();
    const rotate = async (manager: EntityManager): Promise<PartnerClient> => {
      const repo = manager.getRepository(PartnerClient);
      // Locked so two rotations cannot hand out one generation twice.
      const client = await repo.findOne({ where: { id }, ...forUpdate(manager) });
      if (!client) throw notFoundError('Partner client');
      if (client.revokedAt) throw badInput('a revoked client cannot get a new secret', 'id');
      client.secretHash = hashSecret(secret);
      client.secretIssuedAt = new Date();
      client.secretGeneration += 1;
      if (options.endIssuedTokens) client.tokensFromGeneration = client.secretGeneration;
      await repo.save(client);
      return client;
    };
    let client!: PartnerClient;
    if (options.endIssuedTokens) {
      await this.revocations.revoke([revocationSubject.partner(id)], async (manager) => {
        client = await rotate(manager);
        return true;
      });
    } else {
      client = await this.db.transaction(rotate);
    }
    return { client, secret, issuedTokensEnded: options.endIssuedTokens };
  }

  async revoke(id: string): Promise<PartnerClient> {
    const client = await this.repo().findOneBy({ id });
    if (!client) throw notFoundError('Partner client');
    if (!client.revokedAt) {
      client.revokedAt = new Date();
      await this.revocations.revoke([revocationSubject.partner(client.id)], async (manager) => {
        await manager.getRepository(PartnerClient).save(client);
        return true;
      });
    }
    return client;
  }

  /**
   * Whether a token of this client, issued with the secret of `generation`,
   * is still honoured: the client is not revoked and no rotation ended it.
   */
  async isActive(clientId: string, generation = 1): Promise<boolean> {
    const client = await this.repo().findOneBy({ id: clientId });
    return !!client && !client.revokedAt && generation >= client.tokensFromGeneration;
  }

  /** Client-credentials sign-in: one answer for every failure. */
  async issueToken(
    clientId: string,
    secret: string,
  ): Promise<IssuedToken & { client: PartnerClient }> {
    const client = /^[0-9a-f-]{36}$/i.test(clientId)
      ? await this.repo().findOneBy({ id: clientId })
      : null;
    const expected = Buffer.from(client?.secretHash ?? hashSecret('no-such-client'), 'hex');
    const given = Buffer.from(hashSecret(secret), 'hex');
    const secretOk = timingSafeEqual(expected, given);
    if (!client || !secretOk || client.revokedAt) {
      throw codedError(ErrorCode.InvalidCredentials, 'Client id or secret is incorrect');
    }
    await this.repo().update({ id: client.id }, { lastTokenAt: new Date() });
    const token = await this.tokens.issue({
      kind: 'partner',
      clientId: client.id,
      scopes: client.scopes,
      customerIds: client.customerIds,
      secretGeneration: client.secretGeneration,
    });
    return { ...token, client };
  }
}
