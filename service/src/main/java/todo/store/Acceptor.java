package todo.store;

/**
 * This node as an acceptor of the replica set (Paxos, one instance per version; the
 * cluster layer runs the protocol): {@code chosen} is the newest configuration it knows was
 * chosen; {@code promised} the highest ballot it promised for the next version;
 * {@code accepted} the proposal it accepted for that version (null: none), under
 * {@code acceptedBallot}. Each step returns the state after it: the same one when it
 * changes nothing.
 */
public record Acceptor(Configuration chosen, Ballot promised, Configuration accepted, Ballot acceptedBallot) {

  static final Acceptor FRESH = new Acceptor(Configuration.NONE, Ballot.NONE, null, Ballot.NONE);

  /** Changes stamped with {@code version} may be stored: it is the chosen one, and no next one is under way. */
  boolean admits(long version) {
    return version == chosen.version() && accepted == null;
  }

  /** Promises {@code ballot} for the version after the chosen one, unless a higher ballot was promised. */
  Acceptor promise(long version, Ballot ballot) {
    return version == chosen.version() + 1 && ballot.isAfter(promised) ? new Acceptor(chosen, ballot, accepted, acceptedBallot) : this;
  }

  /** Accepts {@code proposal} unless a higher ballot was promised. */
  Acceptor accept(Configuration proposal, Ballot ballot) {
    if (proposal.version() != chosen.version() + 1 || promised.isAfter(ballot)) return this;
    return new Acceptor(chosen, ballot, proposal, ballot);
  }

  /** Takes {@code next} as chosen when it is newer than this one's, or of another cluster. */
  Acceptor learn(Configuration next) {
    if (next.version() <= chosen.version() && chosen.cluster().equals(next.cluster())) return this;
    return new Acceptor(next, Ballot.NONE, null, Ballot.NONE);
  }
}
