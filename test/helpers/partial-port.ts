/**
 * A test fake of a port (e.g. `SnapshotStore`) that implements only the methods a test needs: a call
 * to any other method throws, naming it, so a fake can never answer silently with `undefined`.
 */
export function partialPort<T extends object>(methods: Partial<T>): T {
  return new Proxy(methods, {
    get(target, key, receiver) {
      if (key in target) return Reflect.get(target, key, receiver);
      // Not a method: symbols (inspection) and `then` (awaiting the fake) must stay undefined.
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
      return () => {
        throw new Error(`test fake: ${String(key)}() is not implemented by this fake`);
      };
    },
  }) as T;
}
