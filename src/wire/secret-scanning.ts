import { Type } from '@sinclair/typebox';
import { Id } from './common.js';

/** What GitHub's secret scanning (partner program) posts: the tokens it found, where, and in what. */
export const FoundTokens = Type.Array(Type.Object({
  token: Type.String({ minLength: 1, maxLength: 1000 }),
  type: Type.String({ maxLength: 200 }),
  url: Type.Optional(Type.String({ maxLength: 4000 })),
  source: Type.Optional(Type.String({ maxLength: 200 })),
}), { maxItems: 1000, description: 'Tokens found in public (GitHub secret scanning partner format)' });

/** The answer to a scanner, per token and in its order (GitHub's false-positive feedback shape, plus `live`/`revoked`). */
export const LeakFeedback = Type.Array(Type.Object({
  token_hash: Type.String({ description: 'SHA-256 of the token, hex: the token itself is never sent back' }),
  token_type: Type.String(),
  label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')], { description: 'true_positive: an API key of this server' }),
  live: Type.Boolean({ description: 'the key authenticated until this report' }),
  revoked: Type.Boolean({ description: 'this report revoked it (false when it was revoked already)' }),
}));

/** `POST /v2/api-keys/leaks`: a person reports a key they found exposed. */
export const ReportLeak = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 1000, description: 'the exposed key, whole' }),
  url: Type.Optional(Type.String({ maxLength: 4000, description: 'where it was found' })),
  source: Type.Optional(Type.String({ maxLength: 200, description: 'what it was found in, e.g. commit, issue, paste' })),
}, { additionalProperties: false });

export const LeakReport = Type.Object({
  token_hash: Type.String({ description: 'SHA-256 of the token, hex' }),
  label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')], { description: 'true_positive: an API key of this server' }),
  live: Type.Boolean({ description: 'the key authenticated until this report' }),
  revoked: Type.Boolean({ description: 'this report revoked it (false when it was revoked already, or is no key of ours)' }),
  api_key_id: Type.Optional(Id),
}, { description: 'What became of a reported key' });
