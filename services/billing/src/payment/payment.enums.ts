import { registerEnumType } from 'type-graphql';

export enum PaymentMethodEnum {
  CARD = 'card',
  BANK_TRANSFER = 'bank_transfer',
  CASH = 'cash',
  CHECK = 'check',
  OTHER = 'other',
}
registerEnumType(PaymentMethodEnum, { name: 'PaymentMethod' });

export enum PaymentStatusEnum {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  REFUNDED = 'refunded',
  PARTIALLY_REFUNDED = 'partially_refunded',
}
registerEnumType(PaymentStatusEnum, {
  name: 'PaymentStatus',
  description: 'REFUNDED and PARTIALLY_REFUNDED follow from the refunds of a succeeded payment.',
});
