/**
 * The most changes of access (a principal on a resource) a dry run's answer lists: about 15 MB of JSON (a space's
 * delete on the bench seed world lists 11,998 of them in 8.8 MB). Deleting an organization of 100 spaces and 1,000
 * projects that 948 people reach is over a million (gigabytes, past what one JSON string holds: it answered 500).
 * Past the bound the difference stops being built and the answer says the principals were omitted
 * (`principals_omitted`); the rest of it (the operations, the cascade's counts) is answered as ever. The server
 * applies it, the wire schema and `ax` say it.
 */
export const MAX_PREVIEW_CHANGES = 20_000;

/**
 * What an answer past the bound leaves out, in words. The number is grouped by hand: this module loads with every
 * `ax` command, and a process's first `toLocaleString` loads ICU's number formats (12–17 ms, bench row B9).
 */
export const PREVIEW_BOUND_TEXT = `more than ${String(MAX_PREVIEW_CHANGES).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} changes of access (a principal on a resource)`;
