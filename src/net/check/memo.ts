// Asks once per key and shares the answer (a promise) with every later caller: one DNS
// lookup per host, one PAC answer per host and port, however many flows ask.
export function memo<K, V>(fn: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const seen = new Map<K, Promise<V>>();
  return (key) => {
    let p = seen.get(key);
    if (!p) {
      p = fn(key);
      seen.set(key, p);
    }
    return p;
  };
}
