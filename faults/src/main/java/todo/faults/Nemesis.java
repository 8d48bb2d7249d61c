package todo.faults;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import todo.faults.Campaign.Fault;

/**
 * Breaks the cluster at random, never more than a minority at once: a fault starts every
 * {@code interval} on average (uniform between half and one and a half times it) when
 * that keeps a majority of the nodes up, serving and connected. Faults:
 * <ul>
 *   <li><b>kill</b>: SIGKILL, and a restart on the same folder 0 to 4 s later;</li>
 *   <li><b>pause</b>: SIGSTOP, and SIGCONT 1 to 15 s later (long enough, the others down
 *       it, and it exits when it wakes);</li>
 *   <li><b>partition</b>: cut a minority (one node: "isolate"; more: "split") from the
 *       rest for 3 to 20 s, then heal;</li>
 *   <li><b>stop</b>: SIGTERM to one node, back with {@code --connect} later; half of them
 *       ("stop-lone", always the first) come back alone from their folder for a while
 *       first ({@link Stops});</li>
 *   <li><b>stop-all</b>: SIGTERM to every node at about the same time, and back in one of
 *       the {@link Stops.Order}s, only when no node is impaired. The one fault that takes
 *       more than a minority: writes fail meanwhile, and it ends with the cluster formed
 *       again.</li>
 * </ul>
 * The {@link Schedule} says which fault comes next. Between faults it restarts every node
 * that exited by itself (a downed node exits 1 by design). A node counts as impaired while
 * it is killed, paused, cut off, stopped or in a stop's script, or restarted but not yet
 * answering {@code /health}.
 */
final class Nemesis {

  private final List<CampaignNode> nodes;
  private final CampaignNodes cluster;
  private final Network network;
  private final Set<Fault> faults;
  private final Random random;
  private final Schedule schedule;
  private final Stops stops;
  private final List<Thread> scripts = new ArrayList<>(); // the stops under way
  private final long intervalMs;
  private final Consumer<String> log;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, Integer> counts = new TreeMap<>();
  private final List<Undo> pending = new ArrayList<>();
  private final Set<CampaignNode> held = new HashSet<>(); // killed, waiting for their restart; or in a stop's script
  private final Set<CampaignNode> cut = new HashSet<>(); // on the minority side of the current partition
  private final Map<CampaignNode, Long> recovering = new java.util.HashMap<>(); // back from a fault: since when seen up (-1: not yet)
  private long lastServing = now(); // when some node last answered /health
  private long nextServingCheck;
  private final Map<CampaignNode, Long> notBefore = new java.util.HashMap<>(); // a node that keeps exiting is started every 3 s at most
  private Thread thread;

  private record Undo(long atMs, CampaignNode node, Fault fault, String why) {
    Undo(long atMs, CampaignNode node, Fault fault) {
      this(atMs, node, fault, "restart after kill -9");
    }
  }

  Nemesis(CampaignNodes cluster, Network network, Set<Fault> faults, long seed, long intervalMs, Consumer<String> log) {
    this.cluster = cluster;
    this.nodes = cluster.nodes;
    this.network = network;
    this.faults = faults;
    this.random = new Random(seed);
    this.schedule = new Schedule(faults, random);
    this.intervalMs = intervalMs;
    this.log = log;
    this.stops = new Stops(cluster, log, () -> count("stop-killed"));
  }

  void start() {
    thread = new Thread(this::loop, "faults-nemesis");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Fault kind -> how many times it was done (kill, pause, partition-isolate, partition-split,
   * stop, stop-lone, stop-all, stop-all/ORDER, stop-killed, restart-after-exit, cluster-reformed).
   */
  synchronized Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }

  private void loop() {
    long next = now() + 3_000 + nextInterval(); // let the clients fill the lists a little first
    while (running.get()) {
      try {
        Thread.sleep(200);
        synchronized (this) {
          undoDue();
          watchServing();
          restartExited();
          if (now() >= next) {
            inject();
            next = now() + nextInterval();
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        log.accept("nemesis: " + e);
      }
    }
  }

  private long nextInterval() {
    return intervalMs / 2 + (long) (random.nextDouble() * intervalMs);
  }

  private long now() {
    return System.nanoTime() / 1_000_000;
  }

  private int maxImpaired() {
    return (nodes.size() - 1) / 2;
  }

  /**
   * The nodes that do not count toward the majority now: killed, paused, cut off, not
   * running, not a member in the eyes of a majority of the nodes (a node downed while
   * paused answers for a few seconds before it exits), and nodes back from a fault until
   * they have been seen up for {@link #SETTLE_MS} (the others may still hold them
   * unreachable: impairing another node then would leave the Resolver without a majority).
   */
  private Set<CampaignNode> impaired() {
    Set<CampaignNode> impaired = new HashSet<>(held);
    impaired.addAll(cut);
    Map<CampaignNode, Set<String>> views = new java.util.HashMap<>();
    for (CampaignNode n : nodes) {
      if (n.paused() || !n.alive()) impaired.add(n);
      else views.put(n, n.clusterView());
    }
    for (CampaignNode n : nodes) {
      long seenBy = views.values().stream().filter(v -> v != null && v.contains(n.name)).count();
      boolean up = views.get(n) != null && seenBy > nodes.size() / 2;
      if (!up) impaired.add(n);
      Long since = recovering.get(n);
      if (since == null) continue;
      if (!up) recovering.put(n, -1L);
      else if (since < 0) recovering.put(n, now());
      else if (now() - since >= SETTLE_MS) recovering.remove(n);
      if (recovering.containsKey(n)) impaired.add(n);
    }
    return impaired;
  }

  static final long SETTLE_MS = 5_000;

  private void inject() throws Exception {
    Set<CampaignNode> impaired = impaired();
    int room = maxImpaired() - impaired.size();
    if (room <= 0) return;
    List<CampaignNode> up = nodes.stream().filter(n -> !impaired.contains(n)).toList();
    Set<Fault> possible = EnumSet.copyOf(faults);
    if (!cut.isEmpty() || !network.canPartition()) possible.remove(Fault.PARTITION);
    if (!impaired.isEmpty() || !pending.isEmpty() || scriptsRunning()) possible.remove(Fault.STOP_ALL);
    Fault fault = schedule.next(possible);
    if (fault == null) return;
    CampaignNode victim = up.get(random.nextInt(up.size()));
    switch (fault) {
      case KILL -> {
        log.accept("kill -9 " + victim);
        victim.kill();
        held.add(victim);
        pending.add(new Undo(now() + random.nextInt(4_000), victim, Fault.KILL));
        count("kill");
      }
      case PAUSE -> {
        log.accept("kill -STOP " + victim);
        victim.pause();
        pending.add(new Undo(now() + 1_000 + random.nextInt(14_000), victim, Fault.PAUSE));
        count("pause");
      }
      case PARTITION -> {
        List<CampaignNode> shuffled = new ArrayList<>(up);
        java.util.Collections.shuffle(shuffled, random);
        int size = 1 + random.nextInt(room);
        Set<Integer> minority = shuffled.subList(0, size).stream().map(n -> n.index).collect(Collectors.toSet());
        Set<Integer> majority = nodes.stream().map(n -> n.index).filter(i -> !minority.contains(i)).collect(Collectors.toSet());
        log.accept("partition " + new java.util.TreeSet<>(minority) + " | " + new java.util.TreeSet<>(majority));
        network.partition(List.of(minority, majority));
        for (CampaignNode n : nodes) if (minority.contains(n.index)) cut.add(n);
        pending.add(new Undo(now() + 3_000 + random.nextInt(17_000), null, Fault.PARTITION));
        count(size == 1 ? "partition-isolate" : "partition-split");
      }
      case STOP -> {
        boolean lone = !counts.containsKey("stop-lone") || random.nextBoolean(); // the first always: issue 9's kind
        Random own = new Random(random.nextLong()); // the script's choices, fixed by the seed whatever its timing
        count(lone ? "stop-lone" : "stop");
        script(lone ? "stop-lone" : "stop", List.of(victim), () -> {
          if (lone) stops.stopLone(victim, own);
          else stops.stopOne(victim, own);
        });
      }
      case STOP_ALL -> {
        Stops.Order order = !counts.containsKey("stop-all") ? Stops.Order.ALL_ALONE // the surest to find issue 9's loss
            : Stops.Order.values()[random.nextInt(Stops.Order.values().length)];
        Random own = new Random(random.nextLong());
        log.accept("stop-all, then " + order.label());
        count("stop-all");
        count("stop-all/" + order.label());
        script("stop-all", nodes, () -> stops.stopAll(order, own));
      }
    }
  }

  private interface Script {
    void run() throws Exception;
  }

  /** Runs a stop on a thread of its own; its nodes are held until it ends, then recover like any node back from a fault. */
  private void script(String what, List<CampaignNode> its, Script script) {
    held.addAll(its);
    Thread t = new Thread(() -> {
      try {
        script.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.accept("nemesis: " + what + ": " + e);
      } finally {
        release(its);
      }
    }, "faults-" + what);
    t.setDaemon(true);
    scripts.add(t);
    t.start();
  }

  private synchronized void release(List<CampaignNode> its) {
    held.removeAll(its);
    for (CampaignNode n : its) {
      recovering.put(n, -1L);
      notBefore.put(n, now() + 3_000); // a node that failed to join is started again, as any that exits
    }
  }

  private synchronized boolean scriptsRunning() {
    scripts.removeIf(t -> !t.isAlive());
    return !scripts.isEmpty();
  }

  private void undoDue() throws Exception {
    long now = now();
    for (Undo u : List.copyOf(pending)) {
      if (u.atMs() > now) continue;
      pending.remove(u);
      undo(u);
    }
  }

  private void undo(Undo u) throws Exception {
    switch (u.fault()) {
      case KILL -> {
        held.remove(u.node());
        restart(u.node(), u.why());
      }
      case PAUSE -> {
        log.accept("kill -CONT " + u.node());
        u.node().resume();
        recovering.put(u.node(), -1L); // impaired until it is seen up for a while (or exits, if it was downed meanwhile)
      }
      case PARTITION -> {
        log.accept("heal");
        network.heal();
        for (CampaignNode n : cut) recovering.put(n, -1L); // the minority may have been downed and be on its way out
        cut.clear();
      }
    }
  }

  /**
   * When no node has answered for {@link #NONE_SERVING_MS}, the cluster is down as a whole:
   * restarted nodes join through the others and none of them is a member any more, so
   * they would retry forever. The campaign does what an operator must then do (starts n1
   * alone, the others join it) and counts it: {@code cluster-reformed} fails the campaign.
   */
  private void watchServing() throws Exception {
    if (now() < nextServingCheck) return;
    nextServingCheck = now() + 2_000;
    if (scriptsRunning() || nodes.stream().anyMatch(CampaignNode::healthy)) { // a stop of all is not an outage to repair
      lastServing = now();
    } else if (now() - lastServing > NONE_SERVING_MS) {
      reform();
    }
  }

  static final long NONE_SERVING_MS = 30_000;

  private void reform() throws Exception {
    log.accept("no node has served for " + NONE_SERVING_MS / 1000 + " s: the cluster is down as a whole. Re-forming it:"
        + " every node stopped, n1 started alone, the others join it");
    count("cluster-reformed");
    if (network.canPartition()) network.heal();
    cut.clear();
    pending.clear();
    held.clear();
    for (CampaignNode n : nodes) n.kill();
    cluster.startAlone(nodes.get(0), "re-forming the cluster");
    for (CampaignNode n : nodes) recovering.put(n, -1L);
    for (CampaignNode n : nodes.subList(1, nodes.size())) { // the others join once n1 runs
      held.add(n);
      pending.add(new Undo(now() + 5_000, n, Fault.KILL, "joins the re-formed cluster"));
    }
    lastServing = now();
  }

  private void restartExited() throws Exception {
    for (CampaignNode n : nodes) {
      if (held.contains(n) || n.alive() || now() < notBefore.getOrDefault(n, 0L)) continue;
      Integer code = n.exitCode();
      count("restart-after-exit");
      restart(n, "it exited with code " + code);
    }
  }

  private void restart(CampaignNode n, String why) throws Exception {
    log.accept("start " + n + " (" + why + ")");
    cluster.restart(n, why);
    recovering.put(n, -1L);
    notBefore.put(n, now() + 3_000);
  }

  private synchronized void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  /**
   * Stops injecting, lets the stops under way finish (without their waits), then undoes
   * everything: heals the network, resumes paused nodes and starts every node that is not
   * running.
   */
  void finish() throws Exception {
    running.set(false);
    if (thread != null) thread.join(10_000);
    stops.hurry(); // a stop under way takes its remaining steps at once: it ends with its nodes started
    List<Thread> underWay;
    synchronized (this) {
      underWay = List.copyOf(scripts);
    }
    for (Thread t : underWay) t.join(Stops.LEAVE_TIMEOUT.toMillis() * 3 + 180_000);
    synchronized (this) {
      if (network.canPartition()) network.heal();
      cut.clear();
      log.accept("end: heal, resume and restart everything");
      for (CampaignNode n : nodes) n.resume();
      pending.clear();
      for (CampaignNode n : held) restart(n, "end of the campaign, after kill -9");
      held.clear();
      restartExited();
    }
  }

  /** Starts the nodes that exited since (a node downed while paused exits when resumed); re-forms a cluster that is gone. */
  synchronized void restartExitedNow() throws Exception {
    watchServing();
    restartExited();
  }
}
