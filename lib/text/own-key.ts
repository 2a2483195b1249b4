// Keys that came from outside (a producer's attribute names, an imported file's fields) set on plain objects. `o[k] = v`
// with k = "__proto__" sets the object's prototype instead of a key: the key is lost, and a path of such keys
// ("0.__proto__.x") reaches Object.prototype itself, which every object of the process shares.

/** Sets `key` on `o` as an own, enumerable property, whatever the key, as JSON.parse does ("__proto__" included). */
export function setOwn(o: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `o`'s own value at `key`, never one it inherits (`{}["__proto__"]` is Object.prototype; `{}["constructor"]` Object). */
export function getOwn(o: Record<string | number, unknown>, key: string | number): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
