package todo.node;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;

/**
 * The cluster side of a node's settings (application.conf, under {@code todo}), read once at start.
 *
 * @param joinTimeout how long a node waits to become a member of the cluster it connects to
 * @param deadNodeCheckInterval how often {@link DeadNodeDowning} checks every member
 * @param deadNodeProbeTimeout a connect to a member's port that neither succeeds nor is refused in this time proves nothing
 * @param certificates the operator's own certificates for TLS between nodes; empty: those derived from the cookie
 * @param protocol the {@link Protocol} version this node announces: this build's, unless {@code todo.protocol-version}
 *     (deliberately absent from application.conf) makes a node of a test claim another, to be refused
 */
public record ClusterSettings(Duration joinTimeout, Duration deadNodeCheckInterval, Duration deadNodeProbeTimeout,
                              Optional<ClusterCertificates> certificates, int protocol) {

  /** From the {@code todo} section of the configuration. */
  public static ClusterSettings from(Config todo) {
    return new ClusterSettings(todo.getDuration("join-timeout"), todo.getDuration("dead-node-check.interval"),
        todo.getDuration("dead-node-check.probe-timeout"), ClusterCertificates.from(todo),
        todo.hasPath("protocol-version") ? todo.getInt("protocol-version") : Protocol.VERSION);
  }
}
