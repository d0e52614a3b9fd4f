package org.quant4j.dl4j.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A concurrent map from objects, compared by identity, to values, that does not keep its keys alive.
 *
 * <p>DL4J layers are Lombok {@code @Data} classes whose {@code equals}/{@code hashCode} follow their
 * mutable fields, so a {@link java.util.WeakHashMap} cannot hold them. This map keys on
 * {@link System#identityHashCode} and reference identity instead; entries whose key was collected
 * are purged on the next write.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class WeakIdentityMap<K, V> {

  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<K> queue = new ReferenceQueue<>();

  /**
   * The value for a key, or null.
   *
   * @param key the key, compared by identity
   * @return the value, or null when absent
   */
  V get(K key) {
    if (key == null || map.isEmpty()) {
      return null;
    }
    return map.get(new Lookup(key));
  }

  /**
   * The value for a key, creating it with {@code factory} when absent (at most once per key).
   *
   * @param key the key, compared by identity
   * @param factory makes the value
   * @return the value
   */
  V computeIfAbsent(K key, Function<? super K, ? extends V> factory) {
    V v = get(key);
    if (v != null) {
      return v;
    }
    purge();
    return map.computeIfAbsent(new WeakKey<>(key, queue), k -> factory.apply(key));
  }

  /**
   * Associates a value with a key, replacing any previous one.
   *
   * @param key the key, compared by identity
   * @param value the value
   */
  void put(K key, V value) {
    purge();
    map.remove(new Lookup(key));
    map.put(new WeakKey<>(key, queue), value);
  }

  /**
   * Removes a key.
   *
   * @param key the key, compared by identity
   */
  void remove(K key) {
    purge();
    map.remove(new Lookup(key));
  }

  /**
   * Whether the map is empty, counting entries whose key was collected but not yet purged.
   *
   * @return true when empty
   */
  boolean isEmpty() {
    return map.isEmpty();
  }

  private void purge() {
    Object ref;
    while ((ref = queue.poll()) != null) {
      map.remove(ref);
    }
  }

  /** What both key kinds share: the referent and its identity hash. */
  private interface Keyed {
    Object referent();
  }

  private static boolean sameReferent(Keyed self, Object other) {
    if (self == other) {
      return true;
    }
    if (!(other instanceof Keyed)) {
      return false;
    }
    Object mine = self.referent();
    return mine != null && mine == ((Keyed) other).referent();
  }

  private static final class WeakKey<K> extends WeakReference<K> implements Keyed {
    private final int hash;

    WeakKey(K key, ReferenceQueue<K> queue) {
      super(key, queue);
      this.hash = System.identityHashCode(key);
    }

    @Override
    public Object referent() {
      return get();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return sameReferent(this, o);
    }
  }

  private static final class Lookup implements Keyed {
    private final Object key;

    Lookup(Object key) {
      this.key = key;
    }

    @Override
    public Object referent() {
      return key;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(key);
    }

    @Override
    public boolean equals(Object o) {
      return sameReferent(this, o);
    }
  }
}
