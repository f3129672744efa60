import type { Principal } from './principal';

/** What every subgraph resolver receives; services extend it with their loaders. */
export interface BaseContext {
  principal: Principal;
  requestId: string;
}
