package todo.cli;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import todo.node.BadSettings;
import todo.store.Backup;
import todo.store.StoreReader;

/**
 * {@code todo backup NODE@HOST DIR}: a backup of a running node's file, taken while it serves
 * ({@code GET /api/admin/backup}, with the admin credential), written here as
 * {@code DIR/NODE@HOST-<UTC yyyyMMdd'T'HHmmss>.db}. The file appears whole or not at all: it is
 * written beside under a temporary name, synced, checked to open as a node's file, then renamed.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Copy a running node's SQLite file (every change committed when it began) into DIR.")
final class BackupCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "NODE@HOST", description = "The running node to back up.")
  String node;

  @Parameters(index = "1", paramLabel = "DIR", description = "An existing folder on this machine to write the backup into.")
  Path dir;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "How long the node may take to copy its file before it starts sending (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Mixin CookieOption cookie;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dir)) throw new BadSettings("DIR " + dir + " is not a folder: create it first");
    Duration wait = AdminRequest.timeout(timeout);
    String secret = cookie.resolve();
    RunningNode running = RunningNode.find(node, "NODE@HOST");
    Instant began = Instant.now();
    Path target = dir.resolve(Backup.fileName(node, began));
    Path part = dir.resolve("." + target.getFileName() + ".part");
    try {
      HttpResponse<Path> answer = AdminRequest.send(running, secret, "GET", "/api/admin/backup", wait,
          HttpResponse.BodyHandlers.ofFile(part));
      if (answer.statusCode() != 200) {
        System.err.println("todo: " + node + " took no backup: " + Files.readString(part).strip());
        return ExitCodes.FAILED;
      }
      try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
        written.force(true); // on disk before it takes its name
      }
      StoreReader.Contents contents = contentsOf(part);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      System.out.printf("%s: %,d bytes, %,d list%s, %,d change%s (all that %s had committed at %s)%n",
          target, Files.size(target), contents.lists(), contents.lists() == 1 ? "" : "s", contents.changes(),
          contents.changes() == 1 ? "" : "s", node, began.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      return 0;
    } catch (IOException e) {
      throw new ExitCodes.Failed("cannot write the backup into " + dir + ": " + e.getMessage());
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** What the copy holds, read as a node's file: one that does not open as one is no backup. */
  private StoreReader.Contents contentsOf(Path copy) {
    try (StoreReader reader = StoreReader.open(copy)) {
      return reader.contents();
    } catch (SQLException e) {
      throw new ExitCodes.Failed("the backup " + node + " sent does not open as a node's file: " + e.getMessage());
    }
  }
}
