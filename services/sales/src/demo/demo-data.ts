import type { SalesServices } from '../context';

/**
 * Demo quotes and orders for the demo customers, so the portal shows each
 * state a customer meets. Only into an empty database.
 */
export async function seedSalesDemo(services: SalesServices): Promise<boolean> {
  void services;
  return false;
}
