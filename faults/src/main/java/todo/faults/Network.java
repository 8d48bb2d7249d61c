package todo.faults;

import java.util.List;
import java.util.Set;

/**
 * Where a campaign's nodes live and how their links are cut. Nodes are numbered from 1.
 * {@link Namespaces} gives each node a network namespace of its own, so partitions are
 * real; {@link Loopback} runs them all on 127.0.0.1, where only kills and pauses exist.
 */
interface Network extends AutoCloseable {

  /** The address node {@code i} binds and is named by ({@code n1@ADDRESS}). */
  String address(int i);

  /** What to put before a command to run it in node {@code i}'s network. */
  List<String> launcher(int i);

  /** Whether {@link #partition} can cut links here. */
  boolean canPartition();

  /** Cuts every link between nodes on different sides (nodes on no side keep theirs). Replaces the previous cut. */
  void partition(List<Set<Integer>> sides);

  /** Restores every link between nodes. */
  void heal();

  /** One line for the summary: how the nodes are connected. */
  String describe();

  @Override
  void close();

  /** All nodes on loopback: no partitions. */
  record Loopback(String why) implements Network {
    @Override
    public String address(int i) {
      return "127.0.0.1";
    }

    @Override
    public List<String> launcher(int i) {
      return List.of();
    }

    @Override
    public boolean canPartition() {
      return false;
    }

    @Override
    public void partition(List<Set<Integer>> sides) {
      throw new UnsupportedOperationException("no partitions on loopback");
    }

    @Override
    public void heal() {}

    @Override
    public String describe() {
      return "loopback 127.0.0.1, kill and pause faults only (" + why + ")";
    }

    @Override
    public void close() {}
  }
}
