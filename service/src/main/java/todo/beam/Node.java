package todo.beam;

import java.util.List;

/**
 * Nodes, as the BEAM's {@code Node} module: this node's name, the others, connecting,
 * watching, and running a task on one of them.
 */
public final class Node {

  private Node() {}

  /** This node's name, as {@code node1@host}. */
  public static String self() {
    return DistNode.current().name();
  }

  /**
   * The other members of this node's cluster, by name. A member that stopped answering
   * stays listed until the cluster downs it (at once when its process is proven dead).
   */
  public static List<String> list() {
    return DistNode.current().peers().otherNodes();
  }

  /**
   * Connects to {@code node} (and so to its whole cluster): true once this node is a full
   * member and sees the cluster's global names; false, with the reason logged, otherwise.
   * A shell node joins on its first connect; a node already in a cluster cannot join
   * another (Pekko clusters never merge), and says so.
   */
  public static boolean connect(String node) {
    return NodeWatch.connect(DistNode.current(), node);
  }

  /**
   * Asks {@code node} to leave the cluster gracefully (a Pekko member cannot stay half
   * connected, as a BEAM node can): true when it was a member. Not for this node: a shell
   * leaves with /exit, a server with Ctrl-C.
   */
  public static boolean disconnect(String node) {
    return NodeWatch.disconnect(DistNode.current(), node);
  }

  /**
   * The calling process gets {@link NodeDown} when {@code node} leaves, crashes or cannot
   * be reached, and {@link NodeUp} when it is a reachable member again; a {@code NodeDown}
   * at once if it is not connected now.
   */
  public static boolean monitor(String node) {
    NodeWatch.monitor(DistNode.current(), node);
    return true;
  }

  /**
   * Runs {@code task} in a new process on {@code node} and returns its pid. A lambda typed
   * in the shell runs there as it is (its snippet's classes travel with it); a compiled
   * class that {@code node} lacks is refused with an error naming it. What the task prints
   * appears on this node's console.
   */
  public static Pid spawn(String node, Task task) {
    return DistNode.current().tasks().spawn(node, task);
  }
}
