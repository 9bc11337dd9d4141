// Shared by the saml-response*.test.ts files: one test IdP, one SP, and validate/refusal shorthands.
import { ApiError, type ErrorCode } from '../../src/domain/errors.js';
import {
  generateSpKeyPair, type IdpMetadata, parseIdpMetadata, type SpSettings, validateSamlResponse,
} from '../../src/sso/saml/index.js';
import { generateTestKeyPair, type LoginResponseOptions, SamlTestIdp, type TestKeyPair } from '../helpers/saml-idp.js';

export const REQUEST_ID = '_3f1c0ffee0ddba11';
export const MINUTE = 60_000;

export const ALICE: LoginResponseOptions = {
  email: 'Alice@Example.test', name: 'Alice Example', attributes: { group: ['team-ml', 'my-admins'], dept: ['research'] }, inResponseTo: REQUEST_ID,
};

export interface SamlFixture {
  idp: SamlTestIdp;
  idpMetadata: IdpMetadata;
  sp: SpSettings;
  /** A key the IdP metadata does not publish. */
  otherKey: TestKeyPair;
  /** A login response for Alice, shaped by `options`. */
  respond(options?: Partial<LoginResponseOptions>): Promise<string>;
  /** validateSamlResponse against the fixture's SP and IdP, expecting REQUEST_ID unless told otherwise. */
  validate(samlResponseB64: string, overrides?: { expectedRequestId?: string | undefined; idp?: IdpMetadata; now?: Date }): ReturnType<typeof validateSamlResponse>;
}

/** Call in beforeAll (keys take a moment to generate). */
export async function createSamlFixture(): Promise<SamlFixture> {
  const [idp, otherKey, spKeys] = await Promise.all([SamlTestIdp.create(), generateTestKeyPair('attacker'), generateSpKeyPair()]);
  const idpMetadata = parseIdpMetadata(idp.metadataXml());
  const sp: SpSettings = { entityId: 'http://127.0.0.1:4010', acsUrl: 'http://127.0.0.1:4010/auth/v2/saml', ...spKeys };
  return {
    idp, idpMetadata, sp, otherKey,
    respond: (options = {}) => idp.loginResponse(sp, { ...ALICE, ...options }),
    validate: (samlResponseB64, overrides = {}) => validateSamlResponse({
      samlResponseB64, sp, idp: overrides.idp ?? idpMetadata,
      expectedRequestId: 'expectedRequestId' in overrides ? overrides.expectedRequestId : REQUEST_ID,
      ...(overrides.now ? { now: overrides.now } : {}),
    }),
  };
}

/** The code and detail an ApiError refusal carries (fails the test when the promise resolves). */
export async function refusal(promise: Promise<unknown>): Promise<{ code: ErrorCode; detail: string | undefined }> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { code: error.code, detail: error.detail };
}
