package todo.shell;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import todo.TodoSystem;
import todo.list.Entry;
import todo.list.EntryPatch;
import todo.list.TodoList;
import todo.server.TodoCache;
import todo.server.TodoServer;

/**
 * The book's to-do system at the shell prompt: {@code Todo.Cache.serverProcess("Bob")} finds
 * or starts Bob's one server in the cluster, as {@code Todo.Cache.server_process("Bob")}
 * does, and its {@link Server} adds, updates, deletes and reads entries. The calls take the
 * HTTP routes' way ({@link TodoCache}: asked again when a server moving loses a message,
 * within {@code todo.ask-timeout}; a list served here read without a message) and give the
 * same answers, as values or as exceptions with the one line HTTP gives. They wait for the
 * answer: a shell is where blocking is right. They work on a node that holds data (a
 * {@code todo start} node, through {@code todo rpc} or {@code --remsh}, or
 * {@code todo shell --http-port}); a bare shell says so.
 */
public final class Todo {

  private Todo() {}

  /** The book's {@code Todo.Cache}. */
  public static final class Cache {

    private Cache() {}

    /** The server of {@code list}, started if it was not running; it names the node it runs on. */
    public static Server serverProcess(String list) {
      String problem = TodoList.nameProblem(list);
      if (problem != null) throw new IllegalArgumentException(problem);
      TodoServer.Description d = ask(list, TodoServer.Describe::new);
      return new Server(list, d.node());
    }
  }

  /**
   * One list's server, as the book's {@code Todo.Server} calls see it: {@code node} is where it
   * ran when found (it moves when its node leaves; {@link #node()} asks again).
   */
  public record Server(String list, String foundOn) {

    /** The new entry, with the id the list gave it. */
    public Entry addEntry(LocalDate date, String title) {
      checkTitle(title);
      return written(ask(list, r -> new TodoServer.AddEntry(date, title, null, UUID.randomUUID().toString(), r)));
    }

    /** Entry {@code id} with a new title. */
    public Entry updateEntry(long id, String title) {
      checkTitle(title);
      return updateEntry(id, new EntryPatch(null, title, null, null));
    }

    /** Entry {@code id} with the fields of {@code patch} that are not null. */
    public Entry updateEntry(long id, EntryPatch patch) {
      return written(ask(list, r -> new TodoServer.UpdateEntry(id, patch, UUID.randomUUID().toString(), r)));
    }

    /** Deletes entry {@code id}: true once stored. */
    public boolean deleteEntry(long id) {
      written(ask(list, r -> new TodoServer.DeleteEntry(id, UUID.randomUUID().toString(), r)));
      return true;
    }

    /** The entries of {@code date}, by id. */
    public List<Entry> entries(LocalDate date) {
      TodoList here = system().cache().servedHere(list);
      if (here != null) return date == null ? here.entries() : here.entries(date);
      return Todo.<TodoServer.Entries>ask(list, r -> new TodoServer.GetEntries(date, r)).entries();
    }

    /** Every entry, by id. */
    public List<Entry> entries() {
      return entries(null);
    }

    /** The node the server runs on now. */
    public String node() {
      return Todo.<TodoServer.Description>ask(list, TodoServer.Describe::new).node();
    }

    private Entry written(TodoServer.WriteResult result) {
      if (result instanceof TodoServer.Written w) return w.entry();
      if (result instanceof TodoServer.NotFound nf) throw new NoSuchElementException("list " + list + " has no entry " + nf.id());
      if (result instanceof TodoServer.Refused r) throw new IllegalStateException(r.reason());
      throw new IllegalStateException("unexpected answer from the server of " + list + ": " + result);
    }

    private static void checkTitle(String title) {
      String problem = Entry.titleProblem(title);
      if (problem != null) throw new IllegalArgumentException(problem);
    }

    @Override
    public String toString() {
      return "#TodoServer<" + list + " on " + foundOn + ">";
    }
  }

  private static <R> R ask(String list, Function<ActorRef<R>, TodoServer.Command> message) {
    TodoSystem node = system();
    Duration timeout = node.settings().web().askTimeout();
    try {
      return node.cache().<R>askUntilAnswered(list, message, node.settings().web().askAttempt(), timeout,
          node.actorSystem().executionContext()).toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the server of " + list);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the server of " + list + " did not answer within " + timeout.toSeconds() + " s");
    }
  }

  private static TodoSystem system() {
    return TodoSystem.ofThisJvm().orElseThrow(() -> new IllegalStateException(nodeName()
        + " holds no to-do data: start the shell with --http-port PORT to make it a data node, "
        + "or work in a running one with todo shell --remsh NODE@HOST"));
  }

  private static String nodeName() {
    try {
      return todo.beam.Node.self();
    } catch (RuntimeException notANode) {
      return "this JVM";
    }
  }
}
