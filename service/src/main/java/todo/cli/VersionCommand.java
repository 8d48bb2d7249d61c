package todo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code todo version}: the version from the jar's manifest. */
@Command(name = "version", description = "Print the version.")
public final class VersionCommand implements Runnable, IVersionProvider {

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return "todo-cluster " + (v != null ? v : "(development build)");
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
