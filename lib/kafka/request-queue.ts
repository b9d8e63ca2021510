// kafkajs 2.2.4's network/requestQueue with its idle timer fixed. After every answer kafkajs "schedules a check of the
// pending queue" even when nothing is pending and nothing is throttled: setTimeout(fn, throttledUntil - now) with
// throttledUntil = -1, a delay of minus the epoch. Node clamps it to 1 ms, so every connection ran a timer each
// millisecond for its whole life, and Node 23+ prints a TimeoutNegativeWarning to stderr on the first one. This version
// schedules a check only when a request waits, after the throttle or after kafkajs's 10 ms. Installed by patches.ts.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const KafkajsRequestQueue = require('kafkajs/src/network/requestQueue/index.js');

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a request held back by maxInFlightRequests is looked at again. */
export const CHECK_PENDING_REQUESTS_INTERVAL = 10;

// Typed loosely, as the kafkajs class it extends is untyped.
export class RequestQueue extends KafkajsRequestQueue {
  declare pending: unknown[];
  declare throttledUntil: number;
  declare throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  declare checkPendingRequests: () => void;

  /** Checks the pending queue later if a request waits in it (an answer or a new request also checks it). */
  scheduleCheckPendingRequests(): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledFor = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL);
  }
}
