package todo.node;

import java.util.Optional;
import java.util.Set;

/**
 * What a member tells the cluster about itself through its Pekko roles: its node name
 * ({@code node:node1@host}) and its HTTP address ({@code http:http://host:5454}).
 */
public final class NodeRoles {

  private static final String NODE = "node:";
  private static final String HTTP = "http:";
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
