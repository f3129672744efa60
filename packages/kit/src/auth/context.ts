import { codedError, ErrorCode } from '../errors';
import type { Principal } from './principal';

/** What every subgraph resolver receives; services extend it with their loaders. */
export interface BaseContext {
  principal: Principal;
  requestId: string;
  /** The end client's address, forwarded by the gateway; undefined when unknown. */
  clientAddress?: string;
}

/** What a subgraph knows about a request before building its context. */
export type RequestMeta = BaseContext;

/** The signed-in staff user's id; resolvers call it after @StaffOnly has run. */
export function requireStaffUserId(ctx: BaseContext): string {
  if (ctx.principal.kind !== 'staff') throw codedError(ErrorCode.Forbidden, 'Staff only');
  return ctx.principal.staffUserId;
}
