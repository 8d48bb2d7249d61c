package todo.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelectionMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import todo.SendsInstrument;
import todo.TestNodes;
import todo.TodoSystem;

/**
 * What three idle nodes send each other, counted by message class (Artery reports every
 * message it sends to another node to {@link Sent}): the replica set's own repeat
 * ({@link ReplicaSetTracker.Learn}) is a few messages per {@link ReplicaSetTracker#RETELL_AFTER},
 * not one per second to each member, and so is Artery's repeated handshake. The whole count by
 * class is logged: the cluster's own traffic an idle node pays for (docs/BENCHMARKS.md,
 * "Issue 11, part 8: second round").
 */
class IdleTrafficTest {

  private static final Logger log = LoggerFactory.getLogger(IdleTrafficTest.class);
  private static final String INSTRUMENTS = "pekko.remote.artery.advanced.instruments.0";
  private static final Duration WINDOW = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private static final List<TodoSystem> nodes = new ArrayList<>();

  /** Counts every message sent to another node, by class, across the nodes of this JVM. */
  public static final class Sent extends SendsInstrument {
    static final Map<String, LongAdder> BY_CLASS = new ConcurrentHashMap<>();

    @Override
    public byte identifier() {
      return 8;
    }

    @Override
    protected void sent(ActorRef recipient, Object message) {
      // the cluster's gossip and heartbeats go to actor selections: count what they carry
      Object carried = message instanceof ActorSelectionMessage s ? s.msg() : message;
      BY_CLASS.computeIfAbsent(carried.getClass().getName(), c -> new LongAdder()).increment();
    }
  }

  @BeforeAll
  static void start() {
    Map<String, String> counted = Map.of(INSTRUMENTS, Sent.class.getName());
    nodes.add(TestNodes.startWith(counted, "ia", dir));
    nodes.add(TestNodes.startWith(counted, "ib", dir, "ia@localhost"));
    nodes.add(TestNodes.startWith(counted, "ic", dir, "ia@localhost"));
    await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream()
        .allMatch(n -> n.database().replicaSet().config().nodes().size() == 3));
  }

  @AfterAll
  static void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).stop();
  }

  @Test
  void idleNodesRepeatTheReplicaSetOnlyEveryFewSeconds() throws InterruptedException {
    Thread.sleep(ReplicaSetTracker.RETELL_AFTER.plusSeconds(1).toMillis()); // members new to each other are told every tick at first
    Sent.BY_CLASS.clear();
    Thread.sleep(WINDOW.toMillis());
    Map<String, Long> sent = new TreeMap<>();
    Sent.BY_CLASS.forEach((c, n) -> sent.put(c.substring(c.lastIndexOf('.') + 1), n.sum()));
    log.info("Sent between 3 idle nodes in {} s, by class: {}", WINDOW.toSeconds(), sent);
    // each of 3 nodes tells each of 2 others at most twice in a window of RETELL_AFTER (once a second before: 60)
    assertThat(sent.getOrDefault("ReplicaSetTracker$Learn", 0L)).isLessThanOrEqualTo(12);
    // Artery's repeated handshake, on 2 streams to each of 2 peers of 3 nodes, at most twice in a
    // window of inject-handshake-interval (10 s; Pekko's 1 s sent 94 in 10 s)
    assertThat(sent.getOrDefault("OutboundHandshake$HandshakeReq", 0L)).isLessThanOrEqualTo(24);
  }
}
