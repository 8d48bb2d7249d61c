package todo.beam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns user values (messages, tasks, functions and their results) into {@link Payload}s
 * and back. Java serialization, which Pekko itself never uses here: a message can be any
 * serializable object, a lambda included, as a term can on the BEAM.
 *
 * <p>Each class descriptor in the stream is annotated with the shell session it was typed
 * in, if any, and with the bytecode of the snippet classes it needs ({@link SnippetClasses}), and with the values of the shell variables
 * those classes hold, so a lambda typed in the shell runs on another node seeing the
 * variables it reads as they were when it was sent (as a BEAM fun captures its bindings).
 *
 * <p>Trust: deserializing runs the sender's code. The cluster admits only holders of the
 * cookie (mutual TLS), and its members trust each other's code exactly as BEAM nodes do.
 */
final class Payloads {

  private Payloads() {}

  /** A value too foreign to travel or to be read: the message names the class. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  static Payload encode(Object value) {
    return new Payload(bytes(value, true));
  }

  private static byte[] bytes(Object value, boolean withVariables) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (Out out = new Out(buffer, withVariables)) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      throw new DistException("cannot send a " + e.getMessage() + ": it is not Serializable (records and classes "
          + "that travel between nodes must implement java.io.Serializable)");
    } catch (IOException e) {
      throw new DistException("cannot serialize " + value.getClass().getName() + ": " + e);
    }
    return buffer.toByteArray();
  }

  /** The value; {@link Unreadable} names a class this node lacks. */
  static Object decode(Payload payload) throws Unreadable {
    try (In in = new In(new ByteArrayInputStream(payload.bytes()))) {
      Object value = in.readObject();
      in.checkLinks();
      return value;
    } catch (ClassNotFoundException e) {
      throw new Unreadable("class " + e.getMessage() + " is not on this node");
    } catch (NoClassDefFoundError e) {
      throw new Unreadable("class " + e.getMessage().replace('/', '.') + " is not on this node");
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new Unreadable("cannot read the message: " + e);
    }
  }

  private static final class Out extends ObjectOutputStream {
    private final boolean withVariables;
    private final Set<String> shipped = new HashSet<>();

    Out(OutputStream out, boolean withVariables) throws IOException {
      super(out);
      this.withVariables = withVariables;
    }

    @Override
    protected void annotateClass(Class<?> c) throws IOException {
      String origin = SnippetClasses.originOf(c);
      writeUTF(origin == null ? "" : origin);
      if (origin == null) return;
      Map<String, byte[]> classes = new LinkedHashMap<>(SnippetClasses.closure(c));
      classes.keySet().removeAll(shipped);
      shipped.addAll(classes.keySet());
      writeInt(classes.size());
      for (Map.Entry<String, byte[]> e : classes.entrySet()) {
        writeUTF(e.getKey());
        writeInt(e.getValue().length);
        write(e.getValue());
      }
      Map<String, byte[]> variables = new LinkedHashMap<>();
      if (withVariables) {
        for (String name : classes.keySet()) {
          SnippetClasses.staticValues(name, c.getClassLoader()).forEach((field, value) -> {
            try {
              variables.put(name + "#" + field, bytes(value, false));
            } catch (DistException notSerializable) {
              // a variable that cannot travel stays null over there
            }
          });
        }
      }
      writeInt(variables.size());
      for (Map.Entry<String, byte[]> e : variables.entrySet()) {
        writeUTF(e.getKey());
        writeInt(e.getValue().length);
        write(e.getValue());
      }
    }
  }

  private static final class In extends ObjectInputStream {
    private final Map<String, ClassLoader> shippedHere = new LinkedHashMap<>();

    In(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      String origin = readUTF();
      if (origin.isEmpty()) return super.resolveClass(desc); // a class of the class path: the receiver has it or not
      Map<String, byte[]> classes = new LinkedHashMap<>();
      for (int n = readInt(); n > 0; n--) classes.put(readUTF(), readBytes());
      Map<String, byte[]> variables = new LinkedHashMap<>();
      for (int n = readInt(); n > 0; n--) variables.put(readUTF(), readBytes());
      ClassLoader loader = loaderFor(origin, desc.getName(), classes);
      if (!origin.equals(SnippetClasses.ORIGIN)) {
        classes.keySet().forEach(c -> shippedHere.put(c, loader));
        for (Map.Entry<String, byte[]> v : variables.entrySet()) setVariable(loader, v.getKey(), v.getValue());
      }
      return Class.forName(desc.getName(), false, loader);
    }

    /**
     * Fails, naming the class, when a shipped class uses one this node lacks: a lambda typed
     * in the shell that calls a class of the shell's --class-path, say. Better now than as a
     * NoClassDefFoundError in the middle of the task.
     */
    void checkLinks() throws ClassNotFoundException {
      for (Map.Entry<String, ClassLoader> c : shippedHere.entrySet()) {
        ShippedClassLoader loader = (ShippedClassLoader) c.getValue();
        if (loader.isLinked(c.getKey())) continue; // checked when it came before
        for (String used : SnippetClasses.referencedClasses(loader.bytecodeOf(c.getKey()))) {
          Class.forName(used, false, loader);
        }
        loader.linked(c.getKey());
      }
    }

    private ClassLoader loaderFor(String origin, String name, Map<String, byte[]> classes) {
      if (origin.equals(SnippetClasses.ORIGIN)) { // sent by this JVM: its own snippet classes
        ClassLoader own = SnippetClasses.loaderOf(name);
        return own != null ? own : ClassLoader.getSystemClassLoader();
      }
      if (!classes.isEmpty()) return ShippedClassLoader.of(origin, classes);
      ShippedClassLoader existing = ShippedClassLoader.existing(origin);
      return existing != null ? existing : ClassLoader.getSystemClassLoader();
    }

    private void setVariable(ClassLoader loader, String key, byte[] value) throws IOException, ClassNotFoundException {
      int hash = key.indexOf('#');
      try (In in = new In(new ByteArrayInputStream(value))) {
        Field f = Class.forName(key.substring(0, hash), true, loader).getDeclaredField(key.substring(hash + 1));
        f.setAccessible(true);
        f.set(null, in.readObject());
      } catch (ReflectiveOperationException e) {
        // a variable that cannot be set stays as it is
      }
    }

    private byte[] readBytes() throws IOException {
      byte[] bytes = new byte[readInt()];
      readFully(bytes);
      return bytes;
    }
  }
}
