package todo.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * One step of a store file's schema, from {@code version - 1} to {@code version}: run once,
 * in its own transaction, by {@link Schema#migrate}, which then records {@code version} in
 * the file's {@code PRAGMA user_version}.
 *
 * @param what what the step changes, for its log line
 */
record Migration(int version, String what, Step step) {

  /** The statements of a step, on the file named {@code file} (for its own log lines). */
  interface Step {
    void run(Statement s, String file) throws SQLException;
  }
}
