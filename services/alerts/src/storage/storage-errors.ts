/**
 * What a failed database write means for the events in it.
 *
 * - `transient`: the database, the connection or the moment is at fault (SQLSTATE classes 08
 *   connection, 40 rollback (serialization failure, deadlock), 53 insufficient resources (disk full,
 *   out of memory, too many connections), 57 operator intervention (57P01 admin shutdown … 57014
 *   statement timeout), 58 system error, 55P03 lock not available, XX internal error; also 28
 *   auth, 3D missing database, 42 schema: deployment faults) and every error without a SQLSTATE
 *   (a refused or dropped connection, a pool timeout). Retrying later can succeed; the events stay
 *   unacknowledged until it does.
 * - `data`: an event's own values cannot be stored (class 22 data exception, e.g. 22009 "time zone
 *   displacement out of range" from a year-9999 timestamp; 23 integrity constraint; 54 program limit,
 *   e.g. a row too big), or the code refused them before the database did (TypeError, RangeError).
 *   Retrying the same batch fails the same way for ever; the batch is split to find the event(s).
 *
 * Only data errors may lead to an event being dead-lettered: a schema or configuration fault would
 * otherwise throw away every event that arrives while it lasts.
 */
export type StorageErrorKind = "transient" | "data";

const DATA_CLASSES = new Set(["22", "23", "54"]);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifyStorageError(err: unknown): StorageErrorKind {
  const state = sqlState(err);
  if (state) return DATA_CLASSES.has(state.slice(0, 2)) ? "data" : "transient";
  if (err instanceof TypeError || err instanceof RangeError) return "data";
  return "transient";
}
