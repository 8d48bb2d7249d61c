package todo.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per node, linked by a veth pair per pair of nodes, and a
 * veth per node to the caller's namespace for the clients. Needs root and iproute2.
 *
 * <p>Node {@code i} has {@code 10.R.0.i/32} on its loopback; in its namespace a /32 route
 * to each other node goes through their pair link, and one to {@code 10.R.1.i} (the
 * caller's end of the client link) through the client link. A cut replaces a pair's
 * routes, on both sides, with routes through {@code cut}: a veth whose peer is down and
 * that does no ARP, so whatever is sent to the other side is dropped silently, as by a
 * DROP rule or a dead switch (a node across the cut is silent, never "refused", so it is
 * never taken for a crashed one). A heal puts the routes back. Links are never taken
 * down, so nothing else changes. Names carry the caller's pid, so runs can share a host.
 */
final class Namespaces implements Network {

  private final int nodes;
  private final String tag;
  private final int octet;
  private final List<String> created = new ArrayList<>();
  private final List<String> rootLinks = new ArrayList<>();

  private Namespaces(int nodes, String tag, int octet) {
    this.nodes = nodes;
    this.tag = tag;
    this.octet = octet;
  }

  /** Sets up the namespaces; on any failure removes what was made and throws. */
  static Namespaces create(int nodes) throws IOException {
    sweepStale();
    long pid = ProcessHandle.current().pid();
    Namespaces n = new Namespaces(nodes, "tf" + pid, freeOctet(pid));
    try {
      n.setUp();
      return n;
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
  }

  private String ns(int i) {
    return "todofaults-" + tag.substring(2) + "-n" + i;
  }

  @Override
  public String address(int i) {
    return "10." + octet + ".0." + i;
  }

  private String clientAddress(int i) {
    return "10." + octet + ".1." + i;
  }

  private void setUp() throws IOException {
    for (int i = 1; i <= nodes; i++) {
      ip("netns", "add", ns(i));
      created.add(ns(i));
      ip("-n", ns(i), "addr", "add", address(i) + "/32", "dev", "lo");
      ip("-n", ns(i), "link", "set", "lo", "up");
      String root = tag + "c" + i;
      ip("link", "add", root, "type", "veth", "peer", "name", "client", "netns", ns(i));
      rootLinks.add(root);
      ip("addr", "add", clientAddress(i) + "/32", "dev", root);
      ip("link", "set", root, "up");
      ip("route", "add", address(i) + "/32", "dev", root, "src", clientAddress(i));
      ip("-n", ns(i), "link", "set", "client", "up");
      ip("-n", ns(i), "route", "add", clientAddress(i) + "/32", "dev", "client", "src", address(i));
      ip("-n", ns(i), "link", "add", "cut", "type", "veth", "peer", "name", "cutpeer");
      ip("-n", ns(i), "link", "set", "cut", "arp", "off", "up");
    }
    for (int i = 1; i <= nodes; i++) {
      for (int j = i + 1; j <= nodes; j++) {
        ip("link", "add", "to" + j, "netns", ns(i), "type", "veth", "peer", "name", "to" + i, "netns", ns(j));
        ip("-n", ns(i), "link", "set", "to" + j, "up");
        ip("-n", ns(j), "link", "set", "to" + i, "up");
      }
    }
    heal();
  }

  @Override
  public List<String> launcher(int i) {
    return List.of("ip", "netns", "exec", ns(i));
  }

  @Override
  public boolean canPartition() {
    return true;
  }

  @Override
  public synchronized void partition(List<Set<Integer>> sides) {
    for (int i = 1; i <= nodes; i++) {
      for (int j = 1; j <= nodes; j++) {
        if (i != j) route(i, j, across(sides, i, j) ? "cut" : "to" + j);
      }
    }
  }

  private static boolean across(List<Set<Integer>> sides, int i, int j) {
    int si = sideOf(sides, i);
    int sj = sideOf(sides, j);
    return si >= 0 && sj >= 0 && si != sj;
  }

  private static int sideOf(List<Set<Integer>> sides, int node) {
    for (int k = 0; k < sides.size(); k++) if (sides.get(k).contains(node)) return k;
    return -1;
  }

  @Override
  public synchronized void heal() {
    partition(List.of());
  }

  private void route(int from, int to, String dev) {
    try {
      ip("-n", ns(from), "route", "replace", address(to) + "/32", "dev", dev, "src", address(from));
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "network namespaces " + ns(1) + ".." + ns(nodes) + ", nodes at " + address(1) + ".." + address(nodes)
        + ", partitions by routing across a cut to a dead veth (silent drop)";
  }

  /** Removes the links and namespaces; safe to call twice, and from a shutdown hook. */
  @Override
  public synchronized void close() {
    for (String link : rootLinks) quietly("link", "del", link);
    rootLinks.clear();
    for (String ns : created) quietly("netns", "del", ns);
    created.clear();
  }

  private static void quietly(String... args) {
    try {
      ip(args);
    } catch (IOException e) {
      System.err.println("faults: cleaning up: " + e.getMessage());
    }
  }

  /**
   * Removes what a campaign killed with SIGKILL (no shutdown hook ran) left behind: its
   * namespaces, the node JVMs still running in them, and its client links. Only those of
   * campaigns whose pid no longer runs.
   */
  private static void sweepStale() throws IOException {
    java.util.regex.Pattern ns = java.util.regex.Pattern.compile("^todofaults-(\\d+)-n\\d+");
    for (String line : run("ip", "netns", "list").split("\n")) {
      var m = ns.matcher(line.strip());
      if (!m.find() || ProcessHandle.of(Long.parseLong(m.group(1))).isPresent()) continue;
      String name = m.group();
      System.err.println("faults: removing " + name + ", left by a campaign that is gone");
      for (String pid : run("ip", "netns", "pids", name).split("\\s+")) {
        if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
      quietly("netns", "del", name);
    }
    java.util.regex.Pattern link = java.util.regex.Pattern.compile("^\\d+: (tf(\\d+)c\\d+)[@:]");
    for (String line : run("ip", "-o", "link").split("\n")) {
      var m = link.matcher(line);
      if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) quietly("link", "del", m.group(1));
    }
  }

  /** A second octet no address or route of this host uses yet (10.R.0.0/16). */
  private static int freeOctet(long pid) throws IOException {
    String used = run("ip", "-4", "addr") + run("ip", "-4", "route");
    for (int k = 0; k < 150; k++) {
      int octet = 100 + (int) ((pid + k) % 150);
      if (!used.contains("10." + octet + ".")) return octet;
    }
    throw new IOException("no free 10.R.0.0/16 network for the namespaces");
  }

  static void ip(String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    run(command);
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no answer in 30 s");
      }
      if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out.strip());
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted");
    }
  }
}
