package todo.faults;

/**
 * One client request of a campaign and what came of it. {@code title} and
 * {@code completed} are the value the request wrote (an add or an update); every title a
 * campaign writes is unique, so a title found in a store names the one request that wrote it.
 *
 * @param seq      order in the history (a client's own requests are in its order)
 * @param client   the client that sent it; an entry is only ever written by its creator
 * @param id       the entry's id: from the answer for an acknowledged add, -1 when unknown (always, for
 *                 an add through the book's API, whose answer is {@code OK}: its unique title names it)
 * @param node     the node the request went through
 * @param startMs  when it was sent, in ms since the campaign started
 * @param endMs    when its outcome was known
 * @param status   the HTTP status, or -1 when there was none
 * @param detail   the refusal's reason or the error, for the report
 */
public record Op(long seq, int client, Kind kind, String list, long id, String title, boolean completed,
                 String node, long startMs, long endMs, Outcome outcome, int status, String detail) {

  /** READ: a read of the book's mix ({@code GET /entries}), in the history for its answer only; it writes nothing. */
  public enum Kind { ADD, UPDATE, DELETE, READ }

  /** Whether it may have changed a list (an add, update or delete). */
  public boolean writes() {
    return kind != Kind.READ;
  }

  /**
   * ACK: the service said it is stored (2xx). REFUSED: it said no (503 with a reason, 4xx).
   * UNKNOWN: no answer (time-out, connection error). Neither of the last two proves the
   * write was not applied: a refused write may have been committed on a minority that a
   * later server starts from, so the checker treats both as "may have happened".
   */
  public enum Outcome { ACK, REFUSED, UNKNOWN }

  public boolean acknowledged() {
    return outcome == Outcome.ACK;
  }

  private boolean writesValue() {
    return kind == Kind.ADD || kind == Kind.UPDATE;
  }

  /** One line of the history file. */
  @Override
  public String toString() {
    return String.format("%6d %7d..%-7d c%-2d %-6s %-8s %-4s %-22s %-5s via %-14s %-7s %s%s", seq, startMs, endMs, client,
        kind, list, id < 0 ? "?" : String.valueOf(id), writesValue() ? title : "",
        writesValue() ? String.valueOf(completed) : "", node, outcome,
        status < 0 ? "" : String.valueOf(status), detail == null || detail.isEmpty() ? "" : " " + detail);
  }
}
