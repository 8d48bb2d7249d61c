package todo.server;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import todo.list.TodoList;

/**
 * The lists whose one server runs on this node, each as its server answers reads from it
 * now, and the server itself: what lets {@link TodoCache#servedHere} answer a read on this
 * node without a message to the server and back (the shard region, the shard, the server,
 * the ask's reply and its hand-over to the dispatcher), and {@link TodoCache#ask} send a
 * write straight to the server, past the shard region and the shard.
 *
 * <p>A server puts its list here whenever it starts to answer reads from a new one: once
 * started, and after each acknowledged write before it says so, so a client that got its
 * write's answer reads it back. It takes it away when it stops, before sharding can start
 * the list's next server, here or on another node. So a list found here is the one its
 * server would have answered the read from, and a list not found here (not served on this
 * node, or still loading) is asked of its server as before.
 */
final class ServedHere {

  /** A list as its server on this node holds it, and when a read last told the server it is in use. */
  static final class Served {
    private final TodoList list;
    private final ActorRef<TodoServer.Command> server;
    private volatile long keptAliveAt;

    private Served(TodoList list, ActorRef<TodoServer.Command> server, long keptAliveAt) {
      this.list = list;
      this.server = server;
      this.keptAliveAt = keptAliveAt;
    }

    TodoList list() {
      return list;
    }

    ActorRef<TodoServer.Command> server() {
      return server;
    }
  }

  private final ConcurrentHashMap<String, Served> lists = new ConcurrentHashMap<>();
  /** List servers running on this node, loading ones included: started minus stopped. */
  private final java.util.concurrent.atomic.AtomicInteger servers = new java.util.concurrent.atomic.AtomicInteger();
  private final long keepAliveNanos;
  private final Consumer<String> keepAlive;

  /**
   * {@code expiry}: how long a server runs without a message through sharding before it is
   * stopped ({@code todo.server-expiry}). Reads answered here pass it no message, so at most
   * every quarter of that, per list, one of them calls {@code keepAlive} with the list's name
   * (a {@link TodoServer.KeepAlive} sent through sharding): a list that is only read keeps
   * its server, as when every read was asked of it.
   */
  ServedHere(Duration expiry, Consumer<String> keepAlive) {
    this.keepAliveNanos = expiry.toNanos() / 4;
    this.keepAlive = keepAlive;
  }

  /**
   * {@code server} answers reads of {@code name} from {@code list} from now on. Its last
   * keep-alive stays: a write sent straight to it ({@link TodoCache#ask}) passed sharding no
   * more than a read answered here did.
   */
  void put(String name, TodoList list, ActorRef<TodoServer.Command> server) {
    lists.compute(name, (n, before) ->
        new Served(list, server, before != null && before.server.equals(server) ? before.keptAliveAt : System.nanoTime()));
  }

  /** {@code server} stopped: its list is asked of the next server, wherever that one runs. */
  void remove(String name, ActorRef<TodoServer.Command> server) {
    lists.computeIfPresent(name, (n, served) -> served.server.equals(server) ? null : served);
    servers.decrementAndGet();
  }

  /** A list's server started on this node (it calls {@link #remove} when it stops). */
  void started() {
    servers.incrementAndGet();
  }

  /** How many list servers run on this node now. */
  int running() {
    return servers.get();
  }

  /**
   * The list as its server on this node holds it now, and that server; null when none serves
   * it here. Whoever uses it sends the server no message through sharding, so this keeps it alive.
   */
  Served find(String name) {
    Served served = lists.get(name);
    if (served == null) return null;
    long now = System.nanoTime();
    if (now - served.keptAliveAt >= keepAliveNanos) {
      served.keptAliveAt = now;
      keepAlive.accept(name);
    }
    return served;
  }
}
