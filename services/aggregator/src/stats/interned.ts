/** Distinct values by key, each with a small index (its position), for state that stores indices, not values. */
export class Interned<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();

  constructor(seed: Iterable<[key: string, value: T]> = []) {
    for (const [key, value] of seed) this.indexOf(key, () => value);
  }

  /** The index of the value of `key`, made by `make` (and appended) the first time. */
  indexOf(key: string, make: () => T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(make());
      this.ids.set(key, id);
    }
    return id;
  }
}
