package todo.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static todo.beam.TwoNodes.on;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primitives on two nodes in this JVM ({@link TwoNodes}): da (a node as todo start runs
 * one, without the to-do parts) and db (a shell node, joined to da). Each call runs as a
 * process of the node named by {@code on}. Killing nodes is in DistProcessIT, with real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistTest {

  @TempDir static Path dir;
  private TwoNodes nodes;
  private DistNode a;
  private DistNode b;

  @BeforeAll
  void startNodes() {
    nodes = new TwoNodes(dir, "da", "db");
    a = nodes.a;
    b = nodes.b;
  }

  @AfterAll
  void stopNodes() {
    nodes.close();
  }

  @Test
  void eachNodeListsTheOther() {
    assertThat(on(a, Node::list)).containsExactly("db@localhost");
    assertThat(on(b, Node::list)).containsExactly("da@localhost");
    assertThat(on(b, Node::self)).isEqualTo("db@localhost");
  }

  @Test
  void aMessageSentToAPidOnAnotherNodeArrivesInItsMailbox() {
    Pid shellOfB = on(b, Dist::self);
    on(a, () -> Dist.send(shellOfB, List.of("hello", 42)));
    assertThat(on(b, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(List.of("hello", 42));
  }

  @Test
  void aRegisteredNameIsReachableFromAnotherNode() {
    on(b, () -> Process.register("inbox", Dist.self()));
    on(a, () -> Dist.send("inbox", "db@localhost", "by name"));
    assertThat(on(b, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo("by name");
    assertThatThrownBy(() -> on(a, () -> Process.register("inbox", on(b, Dist::self))))
        .hasMessageContaining("only a live process of da@localhost");
  }

  @Test
  void aSpawnedTaskRunsOnItsNodeAndAnswersThroughItsMailbox() {
    Pid me = on(b, Dist::self);
    Pid task = on(b, () -> Node.spawn("da@localhost", () -> Dist.send(me, "ran on " + Node.self())));
    assertThat(task.node()).isEqualTo("da@localhost");
    assertThat(on(b, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo("ran on da@localhost");
  }

  @Test
  void spawnOnAnUnknownNodeSaysWhichNodesThereAre() {
    assertThatThrownBy(() -> on(a, () -> Node.spawn("nobody@localhost", () -> {})))
        .isInstanceOf(DistException.class).hasMessageContaining("no node nobody@localhost is connected")
        .hasMessageContaining("db@localhost");
  }

  @Test
  void connectToAMalformedNameIsFalse() {
    assertThat(on(b, () -> Node.connect("no-at-sign"))).isFalse();
    assertThat(on(b, () -> Node.connect("da@localhost"))).isTrue(); // already: true, as on the BEAM
  }

  @Test
  void ofRacingRegistrationsExactlyOneWins() {
    Pid me = on(b, Dist::self);
    List<Pid> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (String node : List.of("da@localhost", "db@localhost")) {
        racers.add(on(b, () -> Node.spawn(node, () -> {
          Dist.send(me, Global.registerName("race", Dist.self()));
          Dist.receive(); // hold the name until every racer has tried
        })));
      }
    }
    int wins = 0;
    for (int i = 0; i < racers.size(); i++) if ((Boolean) on(b, () -> Dist.receive(Duration.ofSeconds(30)))) wins++;
    assertThat(wins).isEqualTo(1);
    Pid winner = on(a, () -> Global.whereisName("race"));
    assertThat(racers).contains(winner);
    racers.forEach(p -> on(b, () -> Dist.send(p, "stop")));
    await().atMost(Duration.ofSeconds(30)).until(() -> on(a, () -> Global.whereisName("race")) == null);
  }

  @Test
  void aGlobalNameIsFreedWhenItsProcessEnds() {
    Pid me = on(a, Dist::self);
    Pid holder = on(a, () -> Node.spawn("db@localhost", () -> {
      Global.registerName("short-lived", Dist.self());
      Dist.send(me, "registered");
      Dist.receive();
    }));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo("registered");
    assertThat(on(b, () -> Global.registerName("short-lived", Dist.self()))).isFalse();
    assertThat(on(a, () -> Global.whereisName("short-lived"))).isEqualTo(holder);
    on(a, () -> Global.send("short-lived", "stop"));
    await().atMost(Duration.ofSeconds(30)).until(() -> on(a, () -> Global.whereisName("short-lived")) == null);
    assertThatThrownBy(() -> on(a, () -> Global.send("short-lived", "anyone?"))).hasMessageContaining("no process is registered");
  }

  @Test
  void groupMembersAreSeenFromEveryNodeAndLeaveWhenTheyEnd() {
    Pid shellOfA = on(a, Dist::self);
    on(a, () -> {
      Pg.join("room", shellOfA);
      return null;
    });
    Pid task = on(a, () -> Node.spawn("db@localhost", () -> {
      Pg.join("room", Dist.self());
      Dist.receive();
    }));
    await().atMost(Duration.ofSeconds(30)).until(() -> on(b, () -> Pg.getMembers("room")).size() == 2);
    assertThat(on(b, () -> Pg.getLocalMembers("room"))).containsExactly(task);
    assertThat(on(a, () -> Pg.getLocalMembers("room"))).containsExactly(shellOfA);
    on(a, () -> Dist.send(task, "stop"));
    await().atMost(Duration.ofSeconds(30)).until(() -> on(a, () -> Pg.getMembers("room")).equals(List.of(shellOfA)));
    on(a, () -> {
      Pg.leave("room", shellOfA);
      return null;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> on(b, () -> Pg.getMembers("room")).isEmpty());
  }

  @Test
  void rpcCallsOneNodeAndMulticallAllOfThem() {
    assertThat(on(a, () -> Rpc.call("db@localhost", Node::self, Duration.ofSeconds(10)))).isEqualTo("db@localhost");
    Rpc.Multicall<String> all = on(a, () -> Rpc.multicall(Node::self, Duration.ofSeconds(10)));
    assertThat(all.results()).containsExactly("da@localhost", "db@localhost");
    assertThat(all.badNodes()).isEmpty();
    Rpc.Multicall<String> some = on(a, () -> Rpc.multicall(List.of("db@localhost", "gone@localhost"), Node::self, Duration.ofSeconds(10)));
    assertThat(some.results()).containsExactly("db@localhost");
    assertThat(some.badNodes()).containsExactly("gone@localhost");
    assertThatThrownBy(() -> on(a, () -> Rpc.call("db@localhost", () -> {
      throw new IllegalStateException("no disk");
    }, Duration.ofSeconds(10)))).hasMessage("badrpc on db@localhost: IllegalStateException: no disk");
  }

  @Test
  void aNodeThatIsNotConnectedIsReportedDownAtOnce() {
    on(a, () -> Node.monitor("elsewhere@localhost"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(new NodeDown("elsewhere@localhost"));
  }

  // ---- spawn and monitors (their remote cases with real processes are in DistProcessIT)

  @Test
  void aLocalSpawnIsANewProcessOfThisNodeThatReceives() {
    Pid me = on(a, Dist::self);
    Pid task = on(a, () -> Dist.spawn(() -> Dist.send(me, List.of(Dist.self(), Dist.receive()))));
    assertThat(task.node()).isEqualTo("da@localhost");
    assertThat(task).isNotEqualTo(me);
    on(a, () -> Dist.send(task, "hello"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(List.of(task, "hello"));
  }

  @Test
  void aMonitoredProcessThatReturnsIsDownNormal() {
    Pid task = on(a, () -> Dist.spawn(Dist::receive));
    MonitorRef ref = on(a, () -> Process.monitor(task));
    on(a, () -> Dist.send(task, "go"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(new Down(ref, task, Down.NORMAL));
  }

  @Test
  void aMonitoredProcessThatThrowsIsDownWithItsException() {
    Pid task = on(a, () -> Dist.spawn(() -> {
      throw new IllegalStateException("no disk: " + Dist.receive());
    }));
    MonitorRef ref = on(a, () -> Process.monitor(task));
    on(a, () -> Dist.send(task, "full"));
    Down down = (Down) on(a, () -> Dist.receive(Duration.ofSeconds(30)));
    assertThat(down.ref()).isEqualTo(ref);
    assertThat(down.reason()).isInstanceOf(IllegalStateException.class).hasToString("java.lang.IllegalStateException: no disk: full");
  }

  @Test
  void aProcessThatNeverExistedOrHasEndedIsDownNoproc() {
    Pid ended = on(a, () -> Dist.spawn(() -> {}));
    await().atMost(Duration.ofSeconds(30)).until(() -> !a.processes().isLocal(ended));
    Pid never = new Pid("da@localhost", ended.ref().replaceAll("task-\\d+", "task-999999"));
    for (Pid pid : List.of(ended, never)) {
      MonitorRef ref = on(a, () -> Process.monitor(pid));
      assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(new Down(ref, pid, Down.NOPROC));
    }
  }

  @Test
  void aProcessOfAnotherNodeThatReturnsIsDownNormal() {
    Pid task = on(a, () -> Node.spawn("db@localhost", Dist::receive));
    MonitorRef ref = on(a, () -> Process.monitor(task));
    on(a, () -> Dist.send(task, "go"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(new Down(ref, task, Down.NORMAL));
  }

  @Test
  void aProcessOfANodeThatIsNotConnectedIsDownNoconnectionAtOnce() {
    Pid elsewhere = new Pid("elsewhere@localhost", "pekko://todo@127.0.0.1:1/system/task-1#1");
    MonitorRef ref = on(a, () -> Process.monitor(elsewhere));
    assertThat(on(a, () -> Dist.receive(Duration.ZERO))).isEqualTo(new Down(ref, elsewhere, Down.NOCONNECTION));
  }

  @Test
  void afterDemonitorNoDownComesAndOneAlreadyQueuedIsFlushed() {
    Pid task = on(a, () -> Dist.spawn(Dist::receive));
    MonitorRef off = on(a, () -> Process.monitor(task));
    MonitorRef on = on(a, () -> Process.monitor(task));
    assertThat(on(a, () -> Process.demonitor(off))).isTrue();
    on(a, () -> Dist.send(task, "go"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(new Down(on, task, Down.NORMAL));

    Pid other = on(a, () -> Dist.spawn(Dist::receive));
    MonitorRef fired = on(a, () -> Process.monitor(other));
    on(a, () -> Dist.send(other, "go"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !a.monitors().connected(fired)); // fired: its Down is queued
    assertThat(on(a, () -> Process.demonitor(fired))).isFalse(); // it had fired: its Down is taken out
    on(a, () -> Dist.send(on(a, Dist::self), "next"));
    assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo("next"); // and the first monitor's never came
  }
}
