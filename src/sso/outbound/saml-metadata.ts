import { ApiError } from '../../domain/errors.js';
import { guardedFetch, OutboundFailedError, type OutboundOptions, OutboundRefusedError } from './guarded-fetch.js';

/** SAML IdP metadata by URL, through the guard; answers the XML text. Refused → SSO_URL_NOT_ALLOWED; anything else → SAML_METADATA_UNREACHABLE. */
export async function fetchSamlMetadata(url: string, options: OutboundOptions): Promise<string> {
  let answer;
  try {
    answer = await guardedFetch(url, { headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } }, options);
  } catch (error) {
    if (error instanceof OutboundRefusedError) throw new ApiError('SSO_URL_NOT_ALLOWED', `metadata_url: ${error.reason}`);
    if (error instanceof OutboundFailedError) throw new ApiError('SAML_METADATA_UNREACHABLE', `metadata_url: ${error.reason}`);
    throw error;
  }
  if (answer.status < 200 || answer.status > 299) throw new ApiError('SAML_METADATA_UNREACHABLE', `metadata_url: ${new URL(answer.url).host} answered HTTP ${answer.status}`);
  return answer.body.toString('utf8');
}
