package todo.launch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The jar that runs a node, and the java command line that runs it. */
public final class ProductJar {

  /** The runnable jar's name, wherever it is. */
  public static final String NAME = "todo.jar";
  /** Where a build of the checkout puts the jar, from the checkout's root (the product is the module service/). */
  public static final Path IN_CHECKOUT = Path.of("service", "target", NAME);

  private ProductJar() {}

  /**
   * The product's jar: the one this class was loaded from (a command run from the jar, such as
   * {@code todo demo} or {@code todo faults}), or else, when run from compiled classes or the
   * build's plain jar (tests of either module), the runnable jar the build makes beside them.
   */
  public static Path path() {
    Path source;
    try {
      source = Path.of(ProductJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where the todo classes come from: " + e.getMessage(), e);
    }
    if (Files.isRegularFile(source) && source.getFileName().toString().equals(NAME)) return source;
    Path built = source.getParent().resolve(NAME); // target/classes or target/todo-cluster-V.jar -> target/todo.jar
    if (!Files.isRegularFile(built)) throw new IllegalStateException("no " + built + ": build it first (mvn -DskipTests package)");
    return built;
  }

  /** {@code java FLAGS -jar JAR}, with the java of this JVM: the start of a node's command line. */
  public static List<String> javaCommand(Path jar, List<String> jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    return command;
  }

  /** JVM flags as a shell variable holds them ({@code "-Xmx256m -XX:+UseParallelGC"}). */
  public static List<String> flags(String spaceSeparated) {
    List<String> flags = new ArrayList<>();
    for (String f : spaceSeparated.trim().split("\\s+")) if (!f.isEmpty()) flags.add(f);
    return flags;
  }
}
