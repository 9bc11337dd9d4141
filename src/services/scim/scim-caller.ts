/** Who a SCIM request comes from: a directory, by one identity provider's SCIM token (identity.md §5.1). */
export interface ScimCaller {
  tokenId: number;
  accountId: number;
  idpId: number;
  idpProtocol: 'SAML' | 'OIDC';
  ip: string;
}
