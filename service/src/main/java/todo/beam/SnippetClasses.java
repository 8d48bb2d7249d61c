package todo.beam;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bytecode of classes this JVM defined at run time, by name: the shell's snippets
 * (recorded by its execution engine) and the classes other nodes shipped here. These are
 * the classes a payload carries along, since no other node has them on its class path.
 * Everything else (the JDK, todo-cluster, a --class-path of the shell) must exist on the
 * receiver, as a module must on the BEAM.
 */
public final class SnippetClasses {

  /** This JVM, as the origin of the classes it ships. */
  static final String ORIGIN = UUID.randomUUID().toString();

  private static final Map<String, byte[]> SNIPPETS = new ConcurrentHashMap<>();
  private static final Map<String, ClassLoader> SNIPPET_LOADERS = new ConcurrentHashMap<>();

  /** Counts the changes to the classes known here: a closure computed before one is computed again. */
  private static final AtomicLong GENERATION = new AtomicLong();

  /** Each class's closure as last computed, so that a message or call does not scan the snippets again. */
  private static final ClassValue<AtomicReference<Closure>> CLOSURES = new ClassValue<>() {
    @Override
    protected AtomicReference<Closure> computeValue(Class<?> c) {
      return new AtomicReference<>();
    }
  };

  /** The static fields of each snippet class that can hold a shell variable. */
  private static final ClassValue<List<Field>> VARIABLES = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> c) {
      List<Field> fields = new ArrayList<>();
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) || Modifier.isFinal(m) || f.isSynthetic()) continue;
        f.setAccessible(true);
        fields.add(f);
      }
      return List.copyOf(fields);
    }
  };

  private record Closure(long generation, Map<String, byte[]> classes) {}

  private SnippetClasses() {}

  /** Records a class the shell just defined (or redefined). */
  public static void record(String name, byte[] bytecode) {
    SNIPPETS.put(name, bytecode.clone());
    GENERATION.incrementAndGet();
  }

  /** Another node shipped classes this JVM had not seen: closures may now reach them. */
  static void shippedMore() {
    GENERATION.incrementAndGet();
  }

  /** Records the loader that holds the shell's snippets, once known. */
  static void recordLoader(Class<?> c) {
    SNIPPET_LOADERS.putIfAbsent(c.getName(), c.getClassLoader());
  }

  /** The shell session {@code c} was typed in: this JVM's, another's (shipped here), or null for a class of the class path. */
  static String originOf(Class<?> c) {
    if (c.getClassLoader() instanceof ShippedClassLoader shipped) return shipped.origin();
    return bytecodeOf(c) != null ? ORIGIN : null;
  }

  /** The bytecode to ship for {@code c}, or null when the receiver must have the class itself. */
  static byte[] bytecodeOf(Class<?> c) {
    if (c.getClassLoader() instanceof ShippedClassLoader shipped) return shipped.bytecodeOf(c.getName());
    if (c.getClassLoader() == null || c.getClassLoader() == ClassLoader.getSystemClassLoader()) return null;
    byte[] bytes = SNIPPETS.get(c.getName());
    if (bytes != null) recordLoader(c);
    return bytes;
  }

  /**
   * {@code c} and every snippet class its bytecode refers to, transitively, with their
   * bytecode: a lambda's class calls the methods and reads the variables of earlier snippets.
   * Computed once for each class until the snippets change (a new or redefined one).
   */
  static Map<String, byte[]> closure(Class<?> c) {
    long generation = GENERATION.get();
    AtomicReference<Closure> cached = CLOSURES.get(c);
    Closure known = cached.get();
    if (known != null && known.generation() == generation) return known.classes();
    Map<String, byte[]> classes = Collections.unmodifiableMap(scan(c));
    cached.set(new Closure(generation, classes));
    return classes;
  }

  private static Map<String, byte[]> scan(Class<?> c) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    byte[] first = bytecodeOf(c);
    if (first == null) return out;
    Map<String, byte[]> known = new LinkedHashMap<>(SNIPPETS);
    if (c.getClassLoader() instanceof ShippedClassLoader shipped) known.putAll(shipped.all());
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(Set.of(c.getName()));
    out.put(c.getName(), first);
    while (!todo.isEmpty()) {
      byte[] bytes = out.get(todo.pop());
      for (Map.Entry<String, byte[]> k : known.entrySet()) {
        if (!out.containsKey(k.getKey()) && refersTo(bytes, k.getKey().replace('.', '/'))) {
          out.put(k.getKey(), k.getValue());
          todo.push(k.getKey());
        }
      }
    }
    return out;
  }

  /** The static fields of a snippet class that hold values: a variable typed in the shell lives in one. */
  static Map<String, Object> staticValues(String className, ClassLoader loader) {
    Map<String, Object> values = new LinkedHashMap<>();
    try {
      for (Field f : VARIABLES.get(Class.forName(className, false, loader))) {
        Object v = f.get(null);
        if (v != null) values.put(f.getName(), v);
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // a class that cannot be looked at ships without its variables
    }
    return values;
  }

  /** The loader that defined the snippet class {@code name} in this JVM, if known. */
  static ClassLoader loaderOf(String name) {
    return SNIPPET_LOADERS.get(name);
  }

  /**
   * The classes a class file names in its constant pool (what it calls, reads, creates or
   * casts to), as binary names: what a node must have to run it.
   */
  static Set<String> referencedClasses(byte[] classFile) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(classFile);
    b.position(8);
    int count = b.getShort() & 0xffff;
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = b.get();
      switch (tag) {
        case 1 -> {
          byte[] text = new byte[b.getShort() & 0xffff];
          b.get(text);
          utf8[i] = new String(text, java.nio.charset.StandardCharsets.UTF_8); // modified UTF-8: fine for class names
        }
        case 7 -> classNameIndex[i] = b.getShort() & 0xffff;
        case 8, 16, 19, 20 -> b.getShort();
        case 15 -> { b.get(); b.getShort(); }
        case 3, 4, 9, 10, 11, 12, 17, 18 -> b.getInt();
        case 5, 6 -> { b.getLong(); i++; }
        default -> throw new IllegalArgumentException("not a class file (constant pool tag " + tag + ")");
      }
    }
    Set<String> names = new java.util.TreeSet<>();
    for (int index : classNameIndex) {
      if (index == 0 || utf8[index] == null) continue;
      String name = utf8[index];
      if (name.startsWith("[")) {
        name = name.replaceFirst("^\\[+", "");
        if (!name.startsWith("L")) continue; // an array of primitives
        name = name.substring(1, name.length() - 1);
      }
      names.add(name.replace('/', '.'));
    }
    return names;
  }

  /** True when the class file mentions {@code internalName} as a whole name (not as a prefix of a longer one). */
  static boolean refersTo(byte[] bytes, String internalName) {
    byte[] needle = internalName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) if (bytes[i + j] != needle[j]) continue outer;
      int next = i + needle.length < bytes.length ? bytes[i + needle.length] : ';';
      if (!(Character.isLetterOrDigit(next) || next == '_' || next == '$')) return true;
    }
    return false;
  }
}
