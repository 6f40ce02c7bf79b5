import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { SyntheticStreamPlan, syntheticMessages } from './synthetic-stream';

/** Live figures of the synthetic streams of one provider; tests read them to see production stop. */
export interface SyntheticStreamStats {
  /** Messages produced so far, over all streams. */
  generated: number;
  /** Streams started and not yet finished (completed, failed or cancelled). */
  open: number;
}

/** Shortest pause worth a timer: smaller delays are paid in batches of this many milliseconds. */
const MIN_SLEEP_MS = 20;

/**
 * The synthetic stream as the gRPC layer pulls it: lazily, one message per `next()`, paced by
 * delay_ms and cut by fail_after.
 *
 * - delay_ms: an average pause per message; when it is below 20 ms the generator sleeps
 *   batch × delay_ms once every batch = ceil(20 / delay_ms) messages, so 0 costs nothing.
 * - fail_after = N ≥ 0: after min(N, total) messages the stream throws an INTERNAL error
 *   "synthetic failure after <emitted> resources" (a stream shorter than N fails at its end).
 * - hang_before_first_ms: nothing is sent for that long before the first message.
 * - stall_after = N ≥ 0: after N messages nothing is sent for stall_ms, then the stream carries on
 *   (a stream of N messages or fewer ends without stalling).
 */
export async function* collectSynthetic(
  plan: SyntheticStreamPlan,
  stats: SyntheticStreamStats = { generated: 0, open: 0 },
): AsyncGenerator<inventoryPlugin.ResourceInfo, void, undefined> {
  const { delay_ms: delayMs, fail_after: failAfter, hang_before_first_ms: hangMs, stall_after: stallAfter, stall_ms: stallMs } = plan.options;
  const batch = delayMs > 0 ? Math.max(1, Math.ceil(MIN_SLEEP_MS / delayMs)) : 0;
  let emitted = 0;
  stats.open++;
  try {
    // a hang or stall holds no process open: the plugin still exits at once when stopped
    if (hangMs > 0) await sleep(hangMs, undefined, { ref: false });
    for (const message of syntheticMessages(plan)) {
      if (emitted === failAfter) break;
      if (emitted === stallAfter && stallMs > 0) await sleep(stallMs, undefined, { ref: false });
      stats.generated++;
      yield message;
      emitted++;
      if (batch > 0 && emitted % batch === 0) await sleep(batch * delayMs);
    }
    if (failAfter >= 0) {
      throw new AppError(ErrorCode.INTERNAL, `synthetic failure after ${emitted} resources`);
    }
  } finally {
    stats.open--;
  }
}
