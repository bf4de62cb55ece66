/**
 * Records in creation order with an index by id: a doubly linked list threaded through a Map. Adding,
 * replacing and removing are O(1), and a walk can start at any id and go either way, so a page of a list
 * costs what it reads, not what is stored.
 */
interface Node<T> {
  value: T;
  previous: Node<T> | undefined;
  next: Node<T> | undefined;
}

export class OrderedRecords<T> {
  readonly #nodes = new Map<string, Node<T>>();
  #first: Node<T> | undefined;
  #last: Node<T> | undefined;

  get size(): number {
    return this.#nodes.size;
  }

  get(id: string): T | undefined {
    return this.#nodes.get(id)?.value;
  }

  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  /** Replaces the value in place, or appends it as the newest. */
  set(id: string, value: T): void {
    const existing = this.#nodes.get(id);
    if (existing) {
      existing.value = value;
      return;
    }
    const node: Node<T> = { value, previous: this.#last, next: undefined };
    if (this.#last) this.#last.next = node;
    else this.#first = node;
    this.#last = node;
    this.#nodes.set(id, node);
  }

  delete(id: string): boolean {
    const node = this.#nodes.get(id);
    if (!node) return false;
    if (node.previous) node.previous.next = node.next;
    else this.#first = node.next;
    if (node.next) node.next.previous = node.previous;
    else this.#last = node.previous;
    this.#nodes.delete(id);
    return true;
  }

  /** Values from `fromId` (inclusive; default the first, or the last when reversed) onwards, oldest first unless reversed. */
  *walk(fromId?: string, reverse = false): Generator<T, void, undefined> {
    let node = fromId === undefined ? (reverse ? this.#last : this.#first) : this.#nodes.get(fromId);
    while (node) {
      yield node.value;
      node = reverse ? node.previous : node.next;
    }
  }
}
