import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { StaffOnly } from '@portico/kit';
import type { AccountsContext } from '../context';
import { PageInfo } from '../customer/customer.inputs';
import { AuditEntry, AuditFieldChange } from './audit-entry.entity';

@ObjectType({ description: 'One page of audit entries, newest first.' })
export class AuditEntryPage {
  @Field(() => [AuditEntry])
  nodes!: AuditEntry[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryPage, {
    description: "Staff admins: every change to the business's data and who made it, newest first.",
  })
  @StaffOnly('admin')
  async auditLog(
    @Ctx() ctx: AccountsContext,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('entityType', () => String, {
      nullable: true,
      description: 'customer, contact, staffUser or organisation.',
    })
    entityType: string | null,
    @Arg('entityId', () => ID, { nullable: true }) entityId: string | null,
  ): Promise<AuditEntryPage> {
    const page = await ctx.services.audit.list({ first, after, entityType, entityId });
    return {
      nodes: page.nodes,
      pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
    };
  }

  @FieldResolver(() => [AuditFieldChange], { description: 'The fields the change set.' })
  changes(@Root() entry: AuditEntry): AuditFieldChange[] {
    const parsed = JSON.parse(entry.changes) as Record<string, { from: unknown; to: unknown }>;
    const json = (value: unknown) =>
      value === null || value === undefined ? null : JSON.stringify(value);
    return Object.entries(parsed).map(([field, change]) => ({
      field,
      from: json(change.from),
      to: json(change.to),
    }));
  }
}
