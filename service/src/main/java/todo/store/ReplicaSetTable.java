package todo.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SQL of this node's replica set: the latest {@link Configuration} it knows to be
 * chosen, and its state as an acceptor of the next one (Paxos: the highest ballot it
 * promised, and the proposal it accepted, if any: an {@link Acceptor}). One row.
 */
final class ReplicaSetTable {

  static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS replica_set (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        version          INTEGER NOT NULL,
        cluster          TEXT NOT NULL,
        nodes            TEXT NOT NULL,
        promised_round   INTEGER NOT NULL,
        promised_by      TEXT NOT NULL,
        accepted_version INTEGER NOT NULL,
        accepted_cluster TEXT NOT NULL,
        accepted_nodes   TEXT NOT NULL,
        accepted_round   INTEGER NOT NULL,
        accepted_by      TEXT NOT NULL
      )
      """;

  private ReplicaSetTable() {}

  /** The stored state; a file from before agreed replica sets takes its old set as version 1. */
  static Acceptor read(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version, cluster, nodes, promised_round, "
        + "promised_by, accepted_version, accepted_cluster, accepted_nodes, accepted_round, accepted_by FROM replica_set")) {
      if (r.next()) {
        Configuration chosen = new Configuration(r.getLong(1), r.getString(2), split(r.getString(3)));
        Configuration accepted = r.getLong(6) == 0 ? null : new Configuration(r.getLong(6), r.getString(7), split(r.getString(8)));
        return new Acceptor(chosen, new Ballot(r.getLong(4), r.getString(5)), accepted, new Ballot(r.getLong(9), r.getString(10)));
      }
    }
    List<String> old = oldReplicas(c);
    return old.isEmpty() ? Acceptor.FRESH
        : new Acceptor(new Configuration(1, java.util.UUID.randomUUID().toString(), old), Ballot.NONE, null, Ballot.NONE);
  }

  /** The nodes of the stamped replica set that files kept before it was agreed (a node was in while its join was the later). */
  private static List<String> oldReplicas(Connection c) throws SQLException {
    List<String> nodes = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet t = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'replicas'")) {
      if (!t.next()) return nodes;
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT node FROM replicas WHERE added > removed")) {
      while (r.next()) nodes.add(r.getString(1));
    }
    return nodes;
  }

  static void save(Connection c, Acceptor a) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO replica_set (id, version, cluster, nodes, "
        + "promised_round, promised_by, accepted_version, accepted_cluster, accepted_nodes, accepted_round, accepted_by) "
        + "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      Configuration accepted = a.accepted() == null ? Configuration.NONE : a.accepted();
      s.setLong(1, a.chosen().version());
      s.setString(2, a.chosen().cluster());
      s.setString(3, String.join(",", a.chosen().nodes()));
      s.setLong(4, a.promised().round());
      s.setString(5, a.promised().node());
      s.setLong(6, accepted.version());
      s.setString(7, accepted.cluster());
      s.setString(8, String.join(",", accepted.nodes()));
      s.setLong(9, a.acceptedBallot().round());
      s.setString(10, a.acceptedBallot().node());
      s.executeUpdate();
    }
  }

  private static List<String> split(String nodes) {
    return nodes.isEmpty() ? List.of() : Arrays.asList(nodes.split(","));
  }
}
