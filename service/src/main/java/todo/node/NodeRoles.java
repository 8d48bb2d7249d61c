package todo.node;

import java.util.Optional;
import java.util.Set;
import org.apache.pekko.cluster.Member;

/**
 * What a member tells the cluster about itself through its Pekko roles: its node name
 * ({@code node:node1@host}), its HTTP address ({@code http:http://host:5454}) and the
 * {@link Protocol} version it speaks ({@code protocol:1}).
 */
public final class NodeRoles {

  private static final String NODE = "node:";
  private static final String HTTP = "http:";
  private static final String PROTOCOL = "protocol:";
  /** The role of a {@code todo shell} node: a node like any other, but never a replica of the to-do data. */
  public static final String SHELL = "shell";
  /**
   * The role of a node that holds the to-do data (every {@code todo start} node). Only these
   * count for the Split Brain Resolver (application.conf), so a shell that joined, even
   * paused, never decides which side of the cluster keeps the data.
   */
  public static final String DATA = "data";

  private NodeRoles() {}

  public static String nodeRole(String node) {
    return NODE + node;
  }

  public static String httpRole(String url) {
    return HTTP + url;
  }

  public static String protocolRole(int version) {
    return PROTOCOL + version;
  }

  /** The protocol version a member speaks (see {@link Protocol#UNANNOUNCED} for a member that announces none). */
  public static int protocol(Set<String> roles) {
    return find(roles, PROTOCOL).map(Integer::parseInt).orElse(Protocol.UNANNOUNCED);
  }

  /** True when {@code member} speaks the protocol of {@code self}: only such members may serve lists. */
  public static boolean speaksAs(Member self, Member member) {
    return protocol(member.getRoles()) == protocol(self.getRoles());
  }

  public static boolean isShell(Set<String> roles) {
    return roles.contains(SHELL);
  }

  public static Optional<String> node(Set<String> roles) {
    return find(roles, NODE);
  }

  public static Optional<String> http(Set<String> roles) {
    return find(roles, HTTP);
  }

  private static Optional<String> find(Set<String> roles, String prefix) {
    return roles.stream().filter(r -> r.startsWith(prefix)).map(r -> r.substring(prefix.length())).findFirst();
  }
}
