package todo.beam;

/**
 * As the BEAM's {@code Process} module: local names ({@code register}: a process of this
 * node takes a name, and any node reaches it with {@link Dist#send(String, String, Object)};
 * the name is freed when the process ends) and monitors of processes on any node
 * ({@code monitor}, {@code demonitor}). (Import it by name: {@code java.lang.Process} has
 * the same simple name.)
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

  /**
   * The calling process gets one {@link Down} when {@code pid}, a process of any node, ends:
   * with the reason it ended for, {@code noproc} when it did not exist (or had ended), or
   * {@code noconnection} when its node goes or is not connected (then at once). A process
   * that ends lets go of the monitors it holds.
   */
  public static MonitorRef monitor(Pid pid) {
    DistNode node = DistNode.current();
    return node.monitors().monitor(node.self(), pid);
  }

  /**
   * Turns the monitor {@code ref} off: no {@link Down} for it comes after this returns, and
   * one already in the mailbox is taken out, as the BEAM's {@code demonitor(ref, [:flush])}.
   * True when it was on; false when it had fired (its Down flushed) or is unknown.
   */
  public static boolean demonitor(MonitorRef ref) {
    DistNode node = DistNode.current();
    return node.monitors().demonitor(ref, node.self());
  }
}
