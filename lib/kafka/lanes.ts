// Partitions as lanes for keyless bulk sends: each send goes whole to one partition that no other send in flight
// uses, so several requests can be in flight while each partition has at most one. The idempotent producer's sequence
// numbers are per partition: with one batch in flight per partition, a batch that fails frees its numbers without
// touching another's, as with one request in flight (lib/kafka/send-messages.ts). Like the Java producer's sticky
// partitioner, a keyless batch fills one partition; the lanes go round the partitions in turn. No kafkajs here.

/** Kafka's limit of requests in flight per connection for an idempotent producer (max.in.flight.requests.per.connection). */
export const MAX_IN_FLIGHT = 5;

export class Lanes {
  private readonly busy = new Set<number>();
  private readonly waiting: Array<(partition: number) => void> = [];
  private next: number;
  /** How many sends may be in flight at once: one per partition, at most MAX_IN_FLIGHT. */
  readonly width: number;

  /**
   * partitions: the topic's; start: where the turn begins; usable: whether a partition has a leader now (the turn
   * passes over those without one, unless none has: a send to one waits for an election).
   */
  constructor(
    private readonly partitions: number[],
    start = Math.floor(Math.random() * partitions.length),
    private readonly usable: (partition: number) => boolean = () => true,
  ) {
    if (partitions.length === 0) throw new RangeError('lanes need at least one partition');
    this.width = Math.min(MAX_IN_FLIGHT, partitions.length);
    this.next = start % partitions.length;
  }

  /** A partition no send in flight uses, the next in turn; waits while `width` sends are in flight. */
  acquire(): Promise<number> {
    if (this.busy.size < this.width) return Promise.resolve(this.take());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The send to `partition` is over (answered, refused or given up): its lane goes to the next send. */
  release(partition: number): void {
    if (!this.busy.delete(partition)) return; // not in flight: nothing to hand on
    const wake = this.waiting.shift();
    if (wake) wake(this.take());
  }

  private take(): number {
    // First round: free partitions with a leader; second: any free one.
    for (let round = 0; ; round++) {
      for (let i = 0; i < this.partitions.length; i++) {
        const p = this.partitions[this.next]!;
        this.next = (this.next + 1) % this.partitions.length;
        if (!this.busy.has(p) && (round > 0 || this.usable(p))) {
          this.busy.add(p);
          return p;
        }
      }
    }
  }
}
