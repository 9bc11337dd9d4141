/**
 * The one OAuth client of `ax auth login` (identity.md §6.2): Arize's CLI pins this id ("not user-configurable"), and
 * this product's `ax` uses the same one, so a profile written by either CLI can be refreshed by the other.
 */
export const CLI_CLIENT_ID = 'arize-cli';
