package todo.beam;

import java.io.Serializable;

/**
 * A process identifier, as the BEAM's pid: valid on every node of the cluster, it can be
 * sent inside messages and compared. It names the node the process runs on and its Pekko
 * actor (the process's mailbox), in Pekko's own serialized form of an actor reference.
 *
 * @param node the node the process runs on, as {@code node1@host}
 * @param ref the process's actor, as {@code pekko://todo@host:port/system/p-3#uid}
 */
public record Pid(String node, String ref) implements Serializable {

  @Override
  public String toString() {
    String id = ref.substring(ref.lastIndexOf('/') + 1);
    int hash = id.indexOf('#');
    return "#Pid<" + node + "." + (hash < 0 ? id : id.substring(0, hash)) + ">";
  }
}
