package todo.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import todo.CborSerializable;

/**
 * An agreed replica set: the nodes that hold every list's copies, numbered by
 * {@code version}. Version {@code n + 1} is chosen by a majority of version {@code n}'s
 * nodes (the cluster layer runs that choice), and differs from it by one node, except when an operator
 * forgets several dead nodes at once. {@code cluster} names the cluster that founded
 * version 1, so that two clusters never take each other's versions for their own.
 * Version 0 (no nodes) is a fresh folder's: it knows no replica set yet.
 */
public record Configuration(long version, String cluster, List<String> nodes) implements CborSerializable {

  public static final Configuration NONE = new Configuration(0, "", List.of());

  public Configuration {
    nodes = List.copyOf(new TreeSet<>(nodes));
  }

  /** A new cluster of one: what a node on a fresh folder, started without --connect, founds. */
  public static Configuration founding(String node) {
    return new Configuration(1, java.util.UUID.randomUUID().toString(), List.of(node));
  }

  public boolean known() {
    return version > 0;
  }

  public boolean contains(String node) {
    return nodes.contains(node);
  }

  /** How many of its nodes make a majority. */
  public int majority() {
    return nodes.size() / 2 + 1;
  }

  /** The next version with {@code node} added. */
  public Configuration with(String node) {
    List<String> next = new ArrayList<>(nodes);
    next.add(node);
    return new Configuration(version + 1, cluster, next);
  }

  /** The next version without {@code gone}. */
  public Configuration without(Collection<String> gone) {
    List<String> next = new ArrayList<>(nodes);
    next.removeAll(gone);
    return new Configuration(version + 1, cluster, next);
  }

  @Override
  public String toString() {
    return nodes + " (version " + version + ")";
  }
}
