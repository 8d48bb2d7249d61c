package todo.store;

import todo.CborSerializable;

/**
 * A proposer's number for one attempt to choose the next {@link Configuration}: higher
 * rounds win, and the node's name breaks ties, so two proposers never share a ballot.
 */
public record Ballot(long round, String node) implements Comparable<Ballot>, CborSerializable {

  public static final Ballot NONE = new Ballot(0, "");

  @Override
  public int compareTo(Ballot o) {
    int byRound = Long.compare(round, o.round);
    return byRound != 0 ? byRound : node.compareTo(o.node);
  }

  public boolean isAfter(Ballot o) {
    return compareTo(o) > 0;
  }
}
