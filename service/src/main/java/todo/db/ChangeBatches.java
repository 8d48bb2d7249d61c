package todo.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import todo.Stages;
import todo.store.Stamped;
import todo.store.StoreException;

/**
 * The changes this node's list servers send to each other replica, in batches: one Pekko
 * stream per replica, whose {@code batchWeighted} stage gathers changes only while
 * {@code mapAsync} has its {@code batchesInFlight} asks on their way. A change that finds
 * the way free goes at once, alone (no wait when idle); the changes that come meanwhile go
 * together in the next {@link Replica.StoreChanges}, which the replica offers to its store
 * together (one synced commit for the batch) and answers with one {@link Replica.Stored}.
 *
 * <p>Transport only: each change gets its own reply, or fails as its attempt would have
 * (no answer within {@code attempt-timeout}), and {@link Replication} keeps its own
 * retries, backoff, deadline and in-flight bound. A change that waited behind earlier
 * batches longer than an attempt's time-out fails without being sent, as its ask would
 * have timed out; {@code Replication} sends it again.
 *
 * <p>{@code todo_replication_messages_total{node}} counts the batches sent to each replica,
 * {@code todo_replication_changes_total{node}} the changes they carried.
 */
final class ChangeBatches {

  /**
   * Changes in one batch at most, so that its answer (a reply each, with a reason when the
   * replica's store failed) fits in a message too.
   */
  static final int MAX_CHANGES = 256;

  private record Sending(Stamped change, long queuedAt, CompletableFuture<Replica.Reply> answer) {}

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final int batchesInFlight;
  private final int capacity;
  private final MeterRegistry metrics;
  /** Each replica's stream, by the queue its changes are offered to. */
  private final Map<ActorRef<Replica.Command>, BoundedSourceQueue<Sending>> queues = new ConcurrentHashMap<>();

  /**
   * {@code timeout}: one attempt's; {@code batchesInFlight}: asks on their way to one
   * replica at once; {@code capacity}: changes waiting for one replica at most (the
   * in-flight bound per replica keeps them fewer).
   */
  ChangeBatches(ActorSystem<?> system, Duration timeout, int batchesInFlight, int capacity, MeterRegistry metrics) {
    this.system = system;
    this.timeout = timeout;
    this.batchesInFlight = batchesInFlight;
    this.capacity = capacity;
    this.metrics = metrics;
  }

  /** Asks {@code node} to store {@code change}: its reply, or a failure when none came in time. */
  CompletionStage<Replica.Reply> ask(ReplicaSet.ReplicaNode node, Stamped change) {
    Sending sending = new Sending(change, System.nanoTime(), new CompletableFuture<>());
    for (;;) {
      BoundedSourceQueue<Sending> queue = queues.computeIfAbsent(node.ref(), ref -> open(ref, node.name()));
      QueueOfferResult offered = queue.offer(sending);
      if (offered.equals(QueueOfferResult.enqueued())) return sending.answer();
      if (offered.equals(QueueOfferResult.dropped())) {
        sending.answer().completeExceptionally(new StoreException("too many changes waiting to go to " + node.name()));
        return sending.answer();
      }
      queues.remove(node.ref(), queue); // closed (keepOnly, just now): open another
    }
  }

  /**
   * Closes the streams of replicas not in {@code current}: a node that left, was forgotten
   * or came back on another address. What such a stream already holds still goes (or
   * times out) and is answered; the next change to that node, if any, opens a new stream.
   */
  void keepOnly(Set<ActorRef<Replica.Command>> current) {
    for (Map.Entry<ActorRef<Replica.Command>, BoundedSourceQueue<Sending>> stream : queues.entrySet()) {
      if (!current.contains(stream.getKey()) && queues.remove(stream.getKey(), stream.getValue())) stream.getValue().complete();
    }
  }

  /** Replicas with a stream open now. */
  int streams() {
    return queues.size();
  }

  private BoundedSourceQueue<Sending> open(ActorRef<Replica.Command> replica, String node) {
    Counter messages = ReplicationMeters.ByNode.MESSAGES.of(metrics, node);
    Counter changes = ReplicationMeters.ByNode.CHANGES.of(metrics, node);
    return Source.<Sending>queue(capacity)
        .batchWeighted(Replica.MESSAGE_BYTES, s -> (long) estimatedBytes(s.change()), ChangeBatches::first, ChangeBatches::add)
        .mapAsync(batchesInFlight, batch -> send(replica, node, batch, messages, changes))
        .to(Sink.ignore())
        .run(system);
  }

  private static List<Sending> first(Sending s) {
    List<Sending> batch = new ArrayList<>();
    batch.add(s);
    return batch;
  }

  private static List<Sending> add(List<Sending> batch, Sending s) {
    batch.add(s);
    return batch;
  }

  /** Sends {@code batch} and settles each change's answer; never fails, so the stream lives on. */
  private CompletionStage<Done> send(ActorRef<Replica.Command> replica, String node, List<Sending> batch,
                                     Counter messages, Counter changes) {
    long now = System.nanoTime();
    List<Sending> going = new ArrayList<>(batch.size());
    for (Sending s : batch) {
      if (now - s.queuedAt() > timeout.toNanos()) {
        s.answer().completeExceptionally(new StoreException(node + " did not answer in " + timeout.toMillis()
            + " ms: the change waited that long behind earlier ones"));
      } else {
        going.add(s);
      }
    }
    if (going.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    messages.increment();
    changes.increment(going.size());
    List<Stamped> carried = new ArrayList<>(going.size());
    for (Sending s : going) carried.add(s.change());
    return Stages.on(system.executionContext(), AskPattern.<Replica.Command, Replica.Stored>ask(replica,
        r -> new Replica.StoreChanges(carried, r), timeout, system.scheduler()))
        .handle((stored, failure) -> {
          for (int i = 0; i < going.size(); i++) {
            CompletableFuture<Replica.Reply> answer = going.get(i).answer();
            if (stored != null && i < stored.replies().size()) answer.complete(stored.replies().get(i));
            else answer.completeExceptionally(failure != null ? failure : new StoreException(node + " did not answer"));
          }
          return Done.getInstance();
        });
  }

  /**
   * An upper bound on the bytes {@code change} takes in a batch (CBOR, field names
   * included), and no less than a {@link #MAX_CHANGES}th of a message: three bytes a
   * character bounds UTF-8 without encoding the text.
   */
  static int estimatedBytes(Stamped change) {
    int chars = change.list().length() + (change.change().request() == null ? 0 : change.change().request().length());
    if (change.change() instanceof todo.list.Change.Put put) chars += put.entry().title().length();
    return Math.max(Replica.MESSAGE_BYTES / MAX_CHANGES, 300 + 3 * chars);
  }
}
