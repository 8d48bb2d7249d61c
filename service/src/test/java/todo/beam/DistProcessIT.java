package todo.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import javax.tools.ToolProvider;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import todo.NodeProcess;
import todo.TestNodes;
import todo.node.ClusterNode;
import todo.node.NodeSettings;

/**
 * The chapter's drills and the primitives with real processes: p1 is a node as
 * {@code todo start} runs it, the shells are {@code todo shell --eval} processes, and this
 * test JVM joins as a node too (t), to watch names, groups and nodes with Awaitility.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistProcessIT {

  private static final Duration SHELL = Duration.ofMinutes(2);
  @TempDir static Path dir;
  private NodeProcess p1;
  private NodeProcess p2; // killed by one test
  private ActorSystem<Void> testNode;
  private DistNode t;

  @BeforeAll
  void start() throws Exception {
    p1 = new NodeProcess("p1", dir, TestNodes.freePort()).start();
    p2 = new NodeProcess("p2", dir, TestNodes.freePort()).launch("--connect", p1.name()); // boots while t joins
    NodeSettings s = new NodeSettings("t@127.0.0.1", "127.0.0.1", TestNodes.freePort(), dir, Duration.ofSeconds(60),
        "it-cookie", List.of(), NodeSettings.PortRange.ANY, TestNodes.EPMD_PORT);
    testNode = ClusterNode.startUnjoined(s);
    ClusterNode.join(testNode, s, p1.name());
    t = DistNode.start(testNode, s.node(), n -> false);
    p2.awaitHealthy();
  }

  @AfterAll
  void stop() throws Exception {
    // Gone for good before the next test class starts: this node may run the port mapper by now.
    if (testNode != null) {
      CoordinatedShutdown.get(testNode).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (p2 != null) p2.close();
    if (p1 != null) p1.close();
  }

  private static NodeProcess.Result shell(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "shell";
    System.arraycopy(args, 0, command, 1, args.length);
    return NodeProcess.run(SHELL, command);
  }

  private static String line(NodeProcess.Result r, String prefix) {
    return r.output().lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no line " + prefix + ")");
  }

  private <T> T onT(Callable<T> body) {
    try {
      return DistNode.as(t, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void drill1HandshakeBothSidesListTheOther() throws Exception {
    NodeProcess.Result r = shell("--name", "d1@127.0.0.1", "--eval", """
        Node.connect("p1@127.0.0.1")
        Node.list()
        Rpc.call("p1@127.0.0.1", () -> Node.list(), Duration.ofSeconds(10))
        Node.connect("not a node name")
        """);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("$1 ==> true", "$4 ==> false", "Node.connect must look like name@host");
    assertThat(line(r, "$2 ==> ")).as("node2's Node.list()").contains("p1@127.0.0.1");
    assertThat(line(r, "$3 ==> ")).as("node1's Node.list()").contains("d1@127.0.0.1");
  }

  @Test
  void drill3GlobalLockTheSecondShellIsToldNoAndItsMessageReachesTheBoss() throws Exception {
    CompletableFuture<NodeProcess.Result> boss = CompletableFuture.supplyAsync(() -> {
      try {
        return shell("--name", "boss@127.0.0.1", "--connect", "p1@127.0.0.1", "--eval", """
            Global.registerName("boss", self())
            receive()
            """);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Both shells start at once; the rival waits for the boss's name, as a person at the second terminal would.
    NodeProcess.Result other = shell("--name", "rival@127.0.0.1", "--eval", """
        Node.connect("p1@127.0.0.1")
        while (Global.whereisName("boss") == null) Thread.sleep(100);
        Global.registerName("boss", self())
        Global.send("boss", "I surrender")
        """);
    assertThat(other.exitCode()).as(other.output()).isZero();
    assertThat(other.output()).containsPattern("\\$\\d+ ==> false");
    NodeProcess.Result first = boss.get();
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("$1 ==> true", "$2 ==> \"I surrender\"");
    await().atMost(SHELL).until(() -> onT(() -> Global.whereisName("boss")) == null); // freed: its node left
  }

  @Test
  void remoteSpawnOfAClassTheTargetLacksNamesTheClass() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("greeter"));
    Path source = Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("Greeter.java"),
        "package greet; public class Greeter implements todo.beam.Task { public void run() { System.out.println(\"hi\"); } }");
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), source.toString());
    assertThat(compiled).isZero();
    NodeProcess.Result r = shell("--name", "d4@127.0.0.1", "--connect", "p1@127.0.0.1", "--class-path", classes.toString(),
        "--eval", """
            new greet.Greeter().run()
            Node.spawn("p1@127.0.0.1", () -> new greet.Greeter().run())
            """);
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("hi", "|  Exception todo.beam.DistException: cannot spawn on p1@127.0.0.1: class greet.Greeter is not on p1@127.0.0.1",
        "todo: cannot spawn on p1@127.0.0.1: class greet.Greeter is not on p1@127.0.0.1");
    assertThat(p1.logLines("greet.Greeter")).isEmpty(); // an expected refusal: no stack trace, no log noise on p1
    assertThat(p1.logLines("\tat ")).isEmpty();
  }

  /** Drill 2, and monitors of the processes it spawns there (one shell for both: each costs a JVM). */
  @Test
  void drill2RemoteSpawnPrintsOnTheConsoleOfTheSpawningNodeAndMonitorsSayWhyItsProcessesEnded() throws Exception {
    NodeProcess.Result r = shell("--name", "m1@127.0.0.1", "--connect", "p1@127.0.0.1", "--eval", """
        Node.spawn("p1@127.0.0.1", () -> System.out.println("Hello from " + Node.self()))
        var ends = Node.spawn("p1@127.0.0.1", () -> receive())
        Process.monitor(ends)
        send(ends, "go")
        "ended: " + receive(Duration.ofSeconds(60))
        var crashes = Node.spawn("p1@127.0.0.1", () -> { throw new IllegalStateException("boom " + receive()); })
        Process.monitor(crashes)
        send(crashes, "now")
        "crashed: " + receive(Duration.ofSeconds(60))
        Process.monitor(ends)
        "gone: " + receive(Duration.ofSeconds(60))
        var never = new Pid("p1@127.0.0.1", ends.ref().replaceAll("task-\\\\d+", "task-999999"))
        Process.monitor(never)
        "never: " + receive(Duration.ofSeconds(60))
        Todo.Cache.serverProcess("Bob")
        """);
    assertThat(r.output()).contains("Hello from p1@127.0.0.1", "$1 ==> #Pid<p1@127.0.0.1.task-");
    assertThat(p1.logLines("Hello from")).isEmpty();
    assertThat(r.output()).containsPattern("\"ended: Down\\[ref=#Reference<m1@127.0.0.1.1>, pid=#Pid<p1@127.0.0.1.task-\\d+>, reason=normal]\"")
        .contains("\"crashed: Down[ref=#Reference<m1@127.0.0.1.2>", "reason=java.lang.IllegalStateException: boom now]\"")
        .containsPattern("\"gone: Down\\[ref=#Reference<m1@127.0.0.1.3>, pid=#Pid<p1@127.0.0.1.task-\\d+>, reason=noproc]\"")
        .contains("\"never: Down[ref=#Reference<m1@127.0.0.1.4>, pid=#Pid<p1@127.0.0.1.task-999999>, reason=noproc]\"");
    // and the to-do system needs a node with data: one line that says what to do
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("todo: m1@127.0.0.1 holds no to-do data: start the shell with --http-port PORT");
  }

  @Test
  void badFlagsExitTwo() throws Exception {
    NodeProcess.Result r = shell("--sname", "x", "--name", "y@127.0.0.1", "--eval", "1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.output().strip()).isEqualTo("todo: give --sname or --name, not both");
  }

  @Test
  void ofRacingRegistrationsOnTwoNodesExactlyOneWins() throws Exception {
    NodeProcess.Result r = shell("--name", "racer@127.0.0.1", "--connect", "p1@127.0.0.1", "--eval", """
        var me = self();
        List<Pid> racers = new ArrayList<>();
        for (int i = 0; i < 5; i++) for (String n : List.of("p1@127.0.0.1", Node.self())) racers.add(Node.spawn(n, () -> { send(me, Global.registerName("race", self())); receive(); }));
        int wins = 0;
        for (int i = 0; i < 10; i++) if ((Boolean) receive()) wins++;
        racers.forEach(p -> send(p, "stop"));
        wins
        """);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("wins ==> 1");
  }

  @Test
  void aKilledNodeFreesItsNamesLeavesItsGroupsIsReportedDownItsProcessesNoconnectionAndIsABadNode() throws Exception {
    // Each node spawns its own holder (through rpc, as :rpc.call(node, :erlang, :spawn, ...)),
    // so the holders belong to no shell and outlive this one.
    NodeProcess.Result r = shell("--name", "d6@127.0.0.1", "--connect", "p1@127.0.0.1", "--eval", """
        Rpc.call("p2@127.0.0.1", () -> Node.spawn(Node.self(), () -> { Global.registerName("victim", self()); Pg.join("crew", self()); receive(); }), Duration.ofSeconds(10))
        Rpc.call("p1@127.0.0.1", () -> Node.spawn(Node.self(), () -> { Global.registerName("worker", self()); Pg.join("crew", self()); receive(); }), Duration.ofSeconds(10))
        """);
    assertThat(r.exitCode()).as(r.output()).isZero();
    await().atMost(SHELL).until(() -> onT(() -> Pg.getMembers("crew")).size() == 2);
    Pid victim = onT(() -> Global.whereisName("victim"));
    assertThat(victim.node()).isEqualTo("p2@127.0.0.1");
    onT(() -> Node.monitor("p2@127.0.0.1"));
    MonitorRef victimMonitor = onT(() -> Process.monitor(victim));

    p2.kill(); // SIGKILL

    CompletableFuture<NodeProcess.Result> calls = CompletableFuture.supplyAsync(() -> {
      try {
        return shell("--name", "d7@127.0.0.1", "--connect", "p1@127.0.0.1", "--eval",
            "Rpc.multicall(List.of(\"p1@127.0.0.1\", \"p2@127.0.0.1\"), () -> Node.self(), Duration.ofSeconds(5))");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<Object> told = List.of(onT(() -> Dist.receive(Duration.ofSeconds(60))), onT(() -> Dist.receive(Duration.ofSeconds(60))));
    assertThat(told).containsExactlyInAnyOrder(new NodeDown("p2@127.0.0.1"), new Down(victimMonitor, victim, Down.NOCONNECTION));
    await().atMost(SHELL).until(() -> onT(() -> Global.whereisName("victim")) == null);
    await().atMost(SHELL).until(() -> onT(() -> Pg.getMembers("crew")).size() == 1);
    assertThat(onT(() -> Global.whereisName("worker")).node()).isEqualTo("p1@127.0.0.1");
    assertThat(calls.get().output()).contains("Multicall[results=[p1@127.0.0.1], badNodes=[p2@127.0.0.1]]");

    Pid worker = onT(() -> Global.whereisName("worker")); // and a process that ends frees its name
    onT(() -> Dist.send(worker, "stop"));
    await().atMost(SHELL).until(() -> onT(() -> Global.whereisName("worker")) == null);
    await().atMost(SHELL).until(() -> onT(() -> Pg.getMembers("crew")).isEmpty());
  }
}
