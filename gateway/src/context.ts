import type { Principal } from '@portico/kit';

export interface GatewayContext {
  principal: Principal;
  requestId: string;
  clientAddress: string;
}
