package todo.beam;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines the classes another node's shell shipped here, one loader per origin (a shell
 * session). When a snippet was redefined there, a new loader takes the new version, so
 * the old one keeps serving what already runs.
 */
final class ShippedClassLoader extends ClassLoader {

  private static final Map<String, ShippedClassLoader> BY_ORIGIN = new ConcurrentHashMap<>();

  private final String origin;
  private final Map<String, byte[]> classes = new ConcurrentHashMap<>();
  private final Set<String> linked = ConcurrentHashMap.newKeySet();

  private ShippedClassLoader(String origin, Map<String, byte[]> classes) {
    super("shipped", ClassLoader.getSystemClassLoader());
    this.origin = origin;
    this.classes.putAll(classes);
  }

  /** The loader for {@code origin}'s classes, holding {@code shipped} as well. */
  static synchronized ShippedClassLoader of(String origin, Map<String, byte[]> shipped) {
    ShippedClassLoader current = BY_ORIGIN.get(origin);
    if (current != null && shipped.entrySet().stream().allMatch(e -> current.fits(e.getKey(), e.getValue()))) {
      if (!current.classes.keySet().containsAll(shipped.keySet())) SnippetClasses.shippedMore();
      current.classes.putAll(shipped);
      return current;
    }
    SnippetClasses.shippedMore();
    ShippedClassLoader next = new ShippedClassLoader(origin, current == null ? Map.of() : current.classes);
    next.classes.putAll(shipped);
    BY_ORIGIN.put(origin, next);
    return next;
  }

  /** The loader for {@code origin} as it stands, or null when it shipped nothing yet. */
  static ShippedClassLoader existing(String origin) {
    return BY_ORIGIN.get(origin);
  }

  private boolean fits(String name, byte[] bytes) {
    byte[] had = classes.get(name);
    return had == null || Arrays.equals(had, bytes);
  }

  /** The shell session these classes came from: they travel on under that origin. */
  String origin() {
    return origin;
  }

  /** True when every class {@code name} uses was found here before ({@link #linked}): no need to look again. */
  boolean isLinked(String name) {
    return linked.contains(name);
  }

  void linked(String name) {
    linked.add(name);
  }

  byte[] bytecodeOf(String name) {
    return classes.get(name);
  }

  Map<String, byte[]> all() {
    return Map.copyOf(classes);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = classes.get(name);
    if (bytes == null) throw new ClassNotFoundException(name);
    return defineClass(name, bytes, 0, bytes.length);
  }
}
