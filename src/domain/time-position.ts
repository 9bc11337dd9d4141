/**
 * A place in a list ordered by time, newest first, ties broken by id (the audit log): the last listed row's time
 * (its `created_at`, an ISO 8601 instant) and id. The next page holds the rows before it in that order.
 */
export interface TimePosition {
  at: string;
  id: number;
}
