package todo.beam;

/**
 * Local names, as the BEAM's {@code Process.register}: a process of this node takes a name,
 * and any node reaches it with {@link Dist#send(String, String, Object)}. The name is freed
 * when the process ends. (Import it by name: {@code java.lang.Process} has the same simple name.)
 */
public final class Process {

  private Process() {}

  /** Registers {@code pid}, a process of this node, as {@code name}; an error if the name is taken. */
  public static boolean register(String name, Pid pid) {
    DistNode.current().processes().register(name, pid);
    return true;
  }

  public static void unregister(String name) {
    DistNode.current().processes().unregister(name);
  }

  /** The process registered as {@code name} on this node, or null. */
  public static Pid whereis(String name) {
    return DistNode.current().processes().whereis(name);
  }
}
