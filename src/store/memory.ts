/**
 * The in-process store: an LRU bounded by the bytes of its values (lru-cache), each entry with its
 * own TTL.
 */
import { LRUCache } from 'lru-cache';
import type { SharedStore } from './store.js';

/** The default store: this process only, at most `maxBytes` of values. */
export class MemoryStore implements SharedStore {
  readonly kind = 'memory';
  private readonly lru: LRUCache<string, string>;

  constructor(maxBytes: number) {
    // Two bytes per UTF-16 code unit, plus the key: the size is what the strings hold in memory.
    this.lru = new LRUCache<string, string>({
      maxSize: maxBytes,
      sizeCalculation: (value, key) => Math.max(1, 2 * (value.length + key.length)),
      ttlAutopurge: false,
    });
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.lru.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.lru.set(key, value, { ttl: ttlMs });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.lru.delete(key);
    return Promise.resolve();
  }

  lock(): Promise<boolean> {
    return Promise.resolve(true);
  }

  unlock(): Promise<void> {
    return Promise.resolve();
  }

  state(): 'ok' {
    return 'ok';
  }

  close(): Promise<void> {
    this.lru.clear();
    return Promise.resolve();
  }
}
