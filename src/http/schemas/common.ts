import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * OpenAPI 3.0 spells "or null" as `nullable: true` (the v10 contract does); ajv and fast-json-stringify
 * understand the keyword, and @fastify/swagger copies it into our OpenAPI document as it is.
 */
export const Nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/**
 * A string enum as the contract writes one (`type: string` + `enum`), so `Nullable` can wrap it; a TypeBox
 * union of literals would be an `anyOf`, which `nullable` cannot qualify.
 */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { title?: string; description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** Objects of the contract: no property beyond those listed, in requests (stripped) and responses. */
export const Strict = { additionalProperties: false } as const;

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

export const ErrorResponse = Type.Object(
  {
    code: Nullable(Type.String({ example: '1234' })),
    message: Nullable(Type.String()),
    correlationId: Nullable(Type.String()),
  },
  { ...Strict, title: 'ErrorResponse' },
);

/** The refunds endpoints' error body: ErrorResponse plus `origin`. */
export const ErrorResponseV2 = Type.Object(
  {
    code: Nullable(Type.String({ example: '1234' })),
    message: Nullable(Type.String()),
    correlationId: Nullable(Type.String()),
    origin: Nullable(Type.String({ example: 'PoS' })),
  },
  { ...Strict, title: 'ErrorResponseV2' },
);

/** Headers every /pos/v10 operation documents; they are checked by the v10-auth plugin (plugins/v10-auth.ts), not by ajv. */
export const V10Headers = Type.Object({
  authorization: Type.String({ description: "Integrator's bearer token" }),
  'x-mobilepay-client-system-version': Type.String({ description: "Integrator's certified system version, Major.Minor.Build" }),
  'x-mobilepay-merchant-vat-number': Type.Optional(
    Type.String({ description: "Merchant's VAT number (including country code prefix); optional when the token carries merchant_vat" }),
  ),
});

export const IdempotentV10Headers = Type.Composite([
  V10Headers,
  Type.Object({
    'x-mobilepay-idempotency-key': Type.String({ description: 'Used to ensure retried calls are handled correctly.' }),
  }),
]);

/** Response schemas an operation documents for its errors. */
export const errorResponses = (schema: typeof ErrorResponse | typeof ErrorResponseV2, statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, schema]));

/** "Success with no content is 200 with an empty body" (the contract's 200 of capture, cancel, delete …). */
export const EmptyResponse = { type: 'null', description: 'Success; the body is empty.' } as const;
