package todo.beam;

import java.io.Serializable;

/**
 * A monitor, as the BEAM's reference that {@code Process.monitor} returns: what its
 * {@link Down} carries and what {@link Process#demonitor} takes.
 *
 * @param node the node of the monitoring process
 * @param id unique on that node
 */
public record MonitorRef(String node, long id) implements Serializable {

  @Override
  public String toString() {
    return "#Reference<" + node + "." + id + ">";
  }
}
