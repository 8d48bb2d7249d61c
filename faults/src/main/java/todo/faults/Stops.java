package todo.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The operator's faults: graceful stops (SIGTERM: the node leaves its cluster and exits, as
 * a maintenance stop makes it) and starts again from the same folder, connected to a
 * running node or alone. Each is a script of a few steps and a few tens of seconds, run on
 * a thread of its own by the {@link Nemesis}, which holds the script's nodes (impaired,
 * never restarted by anyone else) until it ends.
 *
 * <p>A node started alone forms a cluster of its own from what its folder holds. Clients
 * keep writing through it: it must refuse every write (503) while a majority of the
 * replica set it last agreed on is not back. The stop-all orders are the ways operators
 * bring a stopped cluster back; every one ends with the whole cluster formed again.
 */
final class Stops {

  /** How the nodes come back after a stop of all of them. */
  enum Order {
    /** The first alone; once it serves, all the others at once, connecting to it. */
    TOGETHER,
    /** The first alone; the others one at a time, 2 to 6 s apart, connecting to it. */
    ONE_BY_ONE,
    /** Issue 9's maintenance: A alone a while, A stopped, B alone a while, then the others connecting to B. */
    LONE_THEN_LONE,
    /** Every node alone at once (each a cluster of one) a while; then all but one stopped and connecting to it. */
    ALL_ALONE;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How long a node may take to leave after SIGTERM before it is killed. */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(120);

  private final CampaignNodes cluster;
  private final Consumer<String> log;
  private final Runnable leftLate; // counts a node killed because it had not left within LEAVE_TIMEOUT
  private volatile boolean hurry; // the campaign ends: no more waiting between steps

  Stops(CampaignNodes cluster, Consumer<String> log, Runnable leftLate) {
    this.cluster = cluster;
    this.log = log;
    this.leftLate = leftLate;
  }

  /** From now on, scripts skip their waits between steps (they still take every step: the cluster must re-form). */
  void hurry() {
    hurry = true;
  }

  /** One node stops, and comes back with {@code --connect} 2 to 10 s after it left. */
  void stopOne(CampaignNode n, Random random) throws Exception {
    stop(List.of(n));
    pause(2_000 + random.nextInt(8_000));
    start(n, "back after a graceful stop");
  }

  /**
   * One node stops, comes back alone from its folder (a cluster of one, while the others
   * go on without it) for 4 to 10 s of client traffic, stops again, and comes back with
   * {@code --connect}.
   */
  void stopLone(CampaignNode n, Random random) throws Exception {
    stop(List.of(n));
    alone(n, "alone from its folder, the others running");
    pause(4_000 + random.nextInt(6_000));
    stop(List.of(n));
    start(n, "back, connected, after running alone");
  }

  /** Every node stops at about the same time; they come back in {@code order}, the nodes in an order of {@code random}. */
  void stopAll(Order order, Random random) throws Exception {
    List<CampaignNode> nodes = new ArrayList<>(cluster.nodes);
    Collections.shuffle(nodes, random);
    stop(nodes);
    Collections.shuffle(nodes, random); // the order they come back in owes nothing to the order they left in
    CampaignNode first = nodes.get(0);
    List<CampaignNode> rest = nodes.subList(1, nodes.size());
    switch (order) {
      case TOGETHER -> {
        alone(first, "first after the stop of all");
        for (CampaignNode n : rest) connect(n, first);
      }
      case ONE_BY_ONE -> {
        alone(first, "first after the stop of all");
        for (CampaignNode n : rest) {
          pause(2_000 + random.nextInt(4_000));
          connect(n, first);
        }
      }
      case LONE_THEN_LONE -> {
        alone(first, "alone after the stop of all");
        pause(4_000 + random.nextInt(6_000));
        stop(List.of(first));
        CampaignNode second = rest.get(0);
        alone(second, "alone after the stop of all and of " + first);
        pause(4_000 + random.nextInt(6_000));
        for (CampaignNode n : nodes) if (n != second) connect(n, second);
      }
      case ALL_ALONE -> {
        for (CampaignNode n : nodes) cluster.startAlone(n, "alone after the stop of all, like every node");
        log.accept("start " + nodes + " each alone (no --connect): " + nodes.size() + " clusters of one");
        for (CampaignNode n : nodes) awaitServing(n);
        pause(4_000 + random.nextInt(6_000));
        stop(rest);
        for (CampaignNode n : rest) connect(n, first);
      }
    }
  }

  /** SIGTERM to each of {@code nodes} (in that order, at once), then waits until all exited; kills those that do not leave in time. */
  private void stop(List<CampaignNode> nodes) throws Exception {
    log.accept("kill -TERM " + nodes + (nodes.size() > 1 ? " (at about the same time)" : ""));
    for (CampaignNode n : nodes) n.terminate();
    long giveUpAt = System.nanoTime() + LEAVE_TIMEOUT.toNanos();
    for (CampaignNode n : nodes) {
      long left = Math.max(0, giveUpAt - System.nanoTime());
      if (n.awaitExit(Duration.ofNanos(left))) continue;
      log.accept(n + " has not left " + LEAVE_TIMEOUT.toSeconds() + " s after SIGTERM: kill -9 " + n);
      leftLate.run();
      n.kill();
    }
    log.accept(nodes + " stopped (exit " + nodes.stream().map(n -> String.valueOf(n.exitCode())).toList() + ")");
  }

  private void alone(CampaignNode n, String why) throws Exception {
    log.accept("start " + n + " alone (no --connect): " + why);
    cluster.startAlone(n, why);
    awaitServing(n);
  }

  private void connect(CampaignNode n, CampaignNode through) throws Exception {
    log.accept("start " + n + " --connect " + through);
    cluster.connect(n, through, "joins " + through);
  }

  private void start(CampaignNode n, String why) throws Exception {
    log.accept("start " + n + " --connect the others (" + why + ")");
    cluster.restart(n, why);
  }

  /** Until {@code n} answers {@code /health}; a node that does not within two minutes is left to the nemesis (it restarts nodes that exit). */
  private void awaitServing(CampaignNode n) throws InterruptedException {
    long giveUpAt = System.nanoTime() + SERVE_TIMEOUT.toNanos();
    while (!n.healthy()) {
      if (System.nanoTime() > giveUpAt || !n.alive()) {
        log.accept(n + " does not serve " + (n.alive() ? "within " + SERVE_TIMEOUT.toSeconds() + " s" : "(it exited)")
            + "; going on");
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Waits {@code ms} (clients write meanwhile), or not at all once the campaign ends. */
  private void pause(long ms) throws InterruptedException {
    long until = System.nanoTime() + ms * 1_000_000;
    while (!hurry && System.nanoTime() < until) Thread.sleep(100);
  }
}
