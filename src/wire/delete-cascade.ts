import { Type } from '@sinclair/typebox';

/**
 * The parts shared by the deletes that answer what they would take (DELETE of an organization, a space, a
 * project): the `dry_run` parameter and the counts. Arize's clients send no parameter and get the 204 they expect.
 */
export const DeleteDryRun = Type.Optional(Type.Boolean({ description: 'Answer 200 with what the delete would take; write nothing, audit nothing.' }));

/** A number of rows the delete takes (or would take) with it. */
export const CascadeCount = Type.Integer({ minimum: 0 });

/** Live SERVICE keys whose bot is left a member of no space: they keep authenticating but reach nothing. */
export const ServiceKeysWithoutSpace = Type.Integer({ minimum: 0, description: 'Live service keys whose bot is left in no space.' });
