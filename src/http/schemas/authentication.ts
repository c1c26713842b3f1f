import { Type } from '@sinclair/typebox';
import { Strict } from './common.js';

export const TokenRequest = Type.Object({
  grant_type: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  merchant_vat: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
});

export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    expires_in: Type.Integer(),
    token_type: Type.Literal('Bearer'),
    scope: Type.Literal('integrator_scope'),
  },
  { ...Strict, title: 'TokenResponse' },
);

export const OAuthErrorResponse = Type.Object(
  { error: Type.String(), error_description: Type.Optional(Type.String()) },
  { ...Strict, title: 'OAuthErrorResponse' },
);
