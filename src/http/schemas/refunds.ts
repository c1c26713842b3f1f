import { Type } from '@sinclair/typebox';
import { REFUND_STATUSES } from '../../domain/refund-state.js';
import { Nullable, Strict, StringEnum, Uuid } from './common.js';
import { Amount, CurrencyCode } from './payments.js';

export const CreateRefundRequest = Type.Object(
  {
    paymentId: Uuid(),
    refundOrderId: Type.String({ description: 'At most 36 valid characters.', example: 'REFUND-12345' }),
    amount: Amount,
    currencyCode: CurrencyCode,
  },
  { ...Strict, title: 'CreateRefundRequest' },
);

export const CreateRefundResponse = Type.Object({ refundId: Uuid() }, { ...Strict, title: 'CreateRefundResponse' });

export const GetRefundResponse = Type.Object(
  {
    refundId: Uuid(),
    paymentId: Uuid(),
    refundOrderId: Type.String(),
    amount: Type.Number(),
    currencyCode: CurrencyCode,
    status: StringEnum(REFUND_STATUSES),
    pollDelayInMs: Type.Integer({ format: 'int32' }),
  },
  { ...Strict, title: 'GetRefundResponse' },
);

export const QueryRefundIdsResponse = Type.Object({ refundIds: Type.Array(Uuid()) }, { ...Strict, title: 'QueryRefundIdsResponse' });

export const RefundFilterQuery = Type.Object({ paymentId: Type.Optional(Nullable(Uuid())) });

export const RefundIdParams = Type.Object({ refundid: Uuid('The refund ID') });
