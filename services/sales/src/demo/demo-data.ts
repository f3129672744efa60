import type { SalesServices } from '../context';
import { seedOrderDemo } from '../order/order.demo';
import { seedQuoteDemo } from './quote-demo';

/**
 * Demo quotes and orders for the demo customers, so the portal shows each
 * state a customer meets. Only into an empty database.
 */
export async function seedSalesDemo(services: SalesServices): Promise<boolean> {
  const quotes = await seedQuoteDemo(services);
  const orders = await seedOrderDemo(services);
  return quotes || orders;
}
