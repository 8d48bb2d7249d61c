package todo.db;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import todo.Stages;
import todo.store.StoreException;

/**
 * The promises this node's starting list servers ask of the other replicas, gathered per
 * replica as group commit gathers writes: while one {@link Replica.Prepare} is on its way
 * to a replica, the promises asked of it meanwhile wait, and go together in the next. A
 * server that starts alone waits for nothing; servers that start together (a new cluster's
 * first seconds, a failed node's lists) cost each replica one message and one write for
 * many lists, not one each. Each promise is still its own list's, under the same rule.
 *
 * <p>{@code todo_promise_messages_total{node}} counts the messages sent to each replica,
 * {@code todo_promise_lists_total{node}} the promises they carried.
 */
final class Promises {

  /** Lists in one message at most: with names of up to 200 characters, far below Artery's 256 KiB frame. */
  static final int MAX_LISTS = 100;

  private record Asked(String list, long epoch, CompletableFuture<Replica.Reply> answer) {}

  /** Promises asked of one replica under one version of the replica set. */
  private record Key(String node, long replicaSet) {}

  /** What waits for one replica, and whether a message to it is on its way. */
  private static final class Queue {
    final List<Asked> waiting = new ArrayList<>();
    ActorRef<Replica.Command> replica;
    boolean sending;
  }

  private final ActorSystem<?> system;
  private final String self;
  private final Duration timeout;
  private final MeterRegistry metrics;
  /** Guarded by this. */
  private final Map<Key, Queue> queues = new HashMap<>();

  Promises(ActorSystem<?> system, String self, Duration timeout, MeterRegistry metrics) {
    this.system = system;
    this.self = self;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /**
   * Asks {@code node} to promise the server of {@code list} starting here in {@code epoch},
   * under version {@code replicaSet} of the replica set: its reply, or a failure when it did
   * not answer within the attempt's time-out.
   */
  CompletionStage<Replica.Reply> ask(ReplicaSet.ReplicaNode node, String list, long epoch, long replicaSet) {
    Asked asked = new Asked(list, epoch, new CompletableFuture<>());
    Key key = new Key(node.name(), replicaSet);
    List<Asked> batch;
    synchronized (this) {
      Queue queue = queues.computeIfAbsent(key, k -> new Queue());
      queue.replica = node.ref();
      queue.waiting.add(asked);
      batch = queue.sending ? null : next(key);
    }
    if (batch != null) send(key, batch);
    return asked.answer;
  }

  /**
   * The next message's promises for {@code key}, one per list, up to {@link #MAX_LISTS},
   * now on their way; null when none waits (the queue is then dropped). Holding the lock.
   */
  private List<Asked> next(Key key) {
    Queue queue = queues.get(key);
    Map<String, Asked> batch = new LinkedHashMap<>();
    for (Iterator<Asked> it = queue.waiting.iterator(); it.hasNext() && batch.size() < MAX_LISTS; ) {
      Asked a = it.next();
      if (batch.putIfAbsent(a.list(), a) == null) it.remove(); // the same list twice: the later one goes next time
    }
    queue.sending = !batch.isEmpty();
    if (!queue.sending) queues.remove(key);
    return queue.sending ? new ArrayList<>(batch.values()) : null;
  }

  private void send(Key key, List<Asked> batch) {
    ActorRef<Replica.Command> replica;
    synchronized (this) {
      replica = queues.get(key).replica;
    }
    Map<String, Long> epochs = new LinkedHashMap<>();
    for (Asked a : batch) epochs.put(a.list(), a.epoch());
    ReplicationMeters.ByNode.PROMISE_MESSAGES.of(metrics, key.node()).increment();
    ReplicationMeters.ByNode.PROMISE_LISTS.of(metrics, key.node()).increment(batch.size());
    Stages.on(system.executionContext(), AskPattern.<Replica.Command, Replica.Prepared>ask(replica,
        r -> new Replica.Prepare(epochs, self, key.replicaSet(), r), timeout, system.scheduler()))
        .whenComplete((prepared, failure) -> {
          List<Asked> next;
          synchronized (this) {
            next = next(key);
          }
          if (next != null) send(key, next);
          for (Asked a : batch) {
            Replica.Reply reply = prepared == null ? null : prepared.replies().get(a.list());
            if (reply != null) a.answer.complete(reply);
            else a.answer.completeExceptionally(failure != null ? failure : new StoreException(key.node() + " did not answer for " + a.list()));
          }
        });
  }
}
