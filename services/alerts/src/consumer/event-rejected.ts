/**
 * Thrown (or rejected) by a handler for an event that must never be stored: the consumer sends the
 * payload to the dead-letter topic with `reason` and acknowledges it, so the broker does not
 * redeliver it for ever. `label` is the metrics label (`vigil_alerts_dead_letters_total{reason}`).
 */
export class EventRejectedError extends Error {
  constructor(
    readonly reason: string,
    readonly label: string,
  ) {
    super(reason);
    this.name = "EventRejectedError";
  }
}
