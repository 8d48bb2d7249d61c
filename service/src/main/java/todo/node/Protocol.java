package todo.node;

/**
 * The version of what this project's nodes say to each other: the messages between list
 * servers, databases, nodes and shells (records sent as Jackson CBOR), and what members
 * announce in their roles ({@link NodeRoles}). Pekko's own cluster protocol, beneath, is
 * versioned by Pekko's releases.
 *
 * <p>A cluster speaks one version: a node that finds, on joining, a member speaking another
 * leaves at once with one line naming both ({@link ClusterNode}); the members log it and place
 * no list's server there. docs/OPERATIONS.md, "Rolling upgrades", has the rule for releases.
 *
 * <p>Raise {@link #VERSION} with any change of a message's shape or meaning that a node of the
 * version before could misread, and say here what changed:
 * <ol>
 *   <li>The messages as issue 12 left them. Issue 13 announces the version, as the role
 *       {@code protocol:1}; builds before it announce none and speak this version, so a
 *       member without the role counts as 1 ({@link #UNANNOUNCED}) and such a cluster can be
 *       rolled onto this release node by node.
 * </ol>
 */
public final class Protocol {

  /** The version this build speaks. */
  public static final int VERSION = 1;

  /** The version of a member that announces none: a build before versions, which spoke version 1. */
  static final int UNANNOUNCED = 1;

  private Protocol() {}

  /** The one line of a node that joined a cluster speaking {@code theirs} while it speaks {@code ours}. */
  static String refusal(String member, int theirs, int ours) {
    return "cannot join the cluster of " + member + ": it speaks protocol " + theirs + ", this node speaks protocol " + ours
        + ". Run one release's protocol in a cluster: start this node with the release the cluster runs, or upgrade "
        + "the whole cluster (docs/OPERATIONS.md, \"Rolling upgrades\").";
  }
}
