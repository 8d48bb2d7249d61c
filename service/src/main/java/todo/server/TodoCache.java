package todo.server;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The book's {@code Todo.Cache}: from any node, the one server of a list. Sharding finds it
 * wherever it runs, or starts it on first use.
 */
public final class TodoCache {

  private final ClusterSharding sharding;

  public TodoCache(ActorSystem<?> system) {
    this.sharding = ClusterSharding.get(system);
  }

  public EntityRef<TodoServer.Command> serverProcess(String list) {
    return sharding.entityRefFor(TodoServer.TYPE_KEY, list);
  }
}
