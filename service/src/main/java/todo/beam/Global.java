package todo.beam;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The cluster's global names, as the BEAM's {@code :global}: a name maps to one process in
 * the whole cluster. A name is any value; two names are the same when their
 * {@code toString()} is ("boss", {@code List.of("todo_list", "Alice")}, a record).
 *
 * <p>Of racing registrations exactly one wins. Every node holds a copy of the names, so
 * {@link #whereisName} sends no message; {@link #registerName} and {@link #unregisterName}
 * return once every node's copy has the change. A name is freed when its process ends or
 * its node goes down. On a netsplit the Split Brain Resolver keeps one side and stops the
 * other, so one registry survives; see {@link GlobalRebuild} for the rebuild and its rule
 * (the process on the older node keeps a name found twice; the other gets a
 * {@link GlobalNameConflict}).
 */
public final class Global {

  private Global() {}

  /** True (yes) when {@code pid} now holds {@code name}; false (no) when another process holds it. */
  public static boolean registerName(Object name, Pid pid) {
    DistNode dist = DistNode.current();
    return dist.<GlobalRegistry.Command, GlobalRegistry.Registered>ask(dist.global(),
        r -> new GlobalRegistry.Register(key(name), pid, r), DistNode.ASK).yes();
  }

  /** The process holding {@code name}, or null: from this node's copy, or the registry's while the copy catches up. */
  public static Pid whereisName(Object name) {
    DistNode dist = DistNode.current();
    GlobalNames copy = dist.globalNames();
    if (copy.inStep()) return copy.whereis(key(name));
    ActorRef<GlobalRegistry.Command> registry = dist.global();
    copy.askForSnapshot();
    return dist.<GlobalRegistry.Command, GlobalRegistry.Where>ask(registry,
        r -> new GlobalRegistry.Whereis(key(name), r), DistNode.ASK).pid();
  }

  /** Sends to the process holding {@code name}; an error when none does (the BEAM exits with badarg). */
  public static Pid send(Object name, Object message) {
    Pid pid = whereisName(name);
    if (pid == null) throw new DistException("no process is registered globally as " + key(name));
    DistNode.current().processes().send(pid, message);
    return pid;
  }

  public static void unregisterName(Object name) {
    DistNode dist = DistNode.current();
    dist.<GlobalRegistry.Command, GlobalRegistry.Registered>ask(dist.global(),
        r -> new GlobalRegistry.Unregister(key(name), r), DistNode.ASK);
  }

  private static String key(Object name) {
    if (name == null) throw new DistException("a global name cannot be null");
    return name.toString();
  }
}
