package todo.cli;

import picocli.CommandLine.Command;
import todo.node.Protocol;
import todo.store.Store;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code todo version}: the version from the jar's manifest, and the versions an upgrade
 * must respect (docs/OPERATIONS.md, "Rolling upgrades"): the protocol nodes speak to each
 * other and the schema of the store file.
 */
@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Runnable, IVersionProvider {

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return "todo-cluster " + (v != null ? v : "(development build)") + " (protocol " + Protocol.VERSION
        + ", schema " + Store.SCHEMA_VERSION + ")";
  }

  @Override
  public void run() {
    System.out.println(version());
  }

  @Override
  public String[] getVersion() {
    return new String[] {version()};
  }
}
