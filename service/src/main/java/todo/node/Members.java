package todo.node;

import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The members of the cluster that count as up: Up, or WeaklyUp (it joined while a member
 * was unreachable, so the leader could not move it to Up yet; it serves all the same).
 * Joining members are not in yet; Leaving, Exiting, Down and Removed ones are on their way out.
 */
public final class Members {

  private Members() {}

  public static boolean isUp(Member m) {
    return m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp();
  }

  /** The members that are up, this node included, in Pekko's order of members (by address). */
  public static List<Member> up(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false).filter(Members::isUp).toList();
  }

  /** The names ({@link NodeRoles#node}) of the members that are up, this node included. */
  public static List<String> upNodes(Cluster cluster) {
    return up(cluster).stream().map(m -> NodeRoles.node(m.getRoles())).flatMap(Optional::stream).toList();
  }
}
