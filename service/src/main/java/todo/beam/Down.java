package todo.beam;

import java.io.Serializable;

/**
 * Sent to a process that called {@link Process#monitor}: the monitored process is gone, as
 * the BEAM's {@code {:DOWN, ref, :process, pid, reason}}.
 *
 * @param ref the monitor, as {@link Process#monitor} returned it
 * @param pid the process that was monitored
 * @param reason {@link #NORMAL} when its task returned; the exception its task threw;
 *     {@link #NOPROC} when it did not exist, or had already ended, when it was monitored;
 *     {@link #NOCONNECTION} when its node left, crashed or was downed, or was not connected
 */
public record Down(MonitorRef ref, Pid pid, Object reason) implements Serializable {

  public static final String NORMAL = "normal";
  public static final String NOPROC = "noproc";
  public static final String NOCONNECTION = "noconnection";
}
