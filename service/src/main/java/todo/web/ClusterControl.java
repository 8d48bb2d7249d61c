package todo.web;

import java.util.concurrent.CompletionStage;

/** What an operator can ask of the cluster through a node's HTTP API. */
public interface ClusterControl {

  /** Connects to another node's cluster: true when already connected, false when joining now. */
  boolean connect(String node);

  /** Drops dead nodes from the replica set: "forgotten", or the reason not. */
  CompletionStage<String> forget(java.util.List<String> nodes);

  /** The agreed replica set this node knows: its version and nodes. */
  todo.store.Configuration replicaSet();
}
