/**
 * The emulator's record of calls: a ring buffer bounded in count and in body bytes, so a flood of large
 * bodies cannot pin memory and remembering a call never shifts an array.
 */
export class CallHistory<T> {
  readonly #slots: Array<{ call: T; bytes: number } | undefined>;
  #oldest = 0;
  #count = 0;
  #bytes = 0;

  constructor(
    readonly maxCalls: number,
    readonly maxBytes: number,
  ) {
    this.#slots = new Array<undefined>(maxCalls);
  }

  /** Remembers a call whose body took `bytes`, forgetting the oldest past either bound (the newest is always kept). */
  add(call: T, bytes: number): void {
    if (this.#count === this.maxCalls) this.#dropOldest();
    this.#slots[(this.#oldest + this.#count) % this.maxCalls] = { call, bytes };
    this.#count++;
    this.#bytes += bytes;
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#dropOldest();
  }

  /** The calls, oldest first. */
  toArray(): T[] {
    const calls: T[] = [];
    for (let i = 0; i < this.#count; i++) calls.push(this.#slots[(this.#oldest + i) % this.maxCalls]!.call);
    return calls;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#oldest = 0;
    this.#count = 0;
    this.#bytes = 0;
  }

  #dropOldest(): void {
    this.#bytes -= this.#slots[this.#oldest]!.bytes;
    this.#slots[this.#oldest] = undefined;
    this.#oldest = (this.#oldest + 1) % this.maxCalls;
    this.#count--;
  }
}
