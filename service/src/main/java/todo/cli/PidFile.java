package todo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A node's pid file, {@code <db-folder>/<node>/todo.pid}, as a release keeps one: written by
 * the node once it serves, removed when it exits. One left by a node killed with SIGKILL is
 * stale: its pid is gone, or has been reused by a process that is not a JVM.
 */
record PidFile(Path path) {

  /** The pid of the live node this file names; empty when there is no file, or a stale one. */
  Optional<Long> running() {
    return read().filter(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .flatMap(p -> p.info().command()).filter(c -> c.endsWith("java")).isPresent());
  }

  /** The pid written in the file, if there is a file with a pid in it. */
  Optional<Long> read() {
    try {
      return Optional.of(Long.parseLong(Files.readString(path).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Writes this JVM's pid (whole or not at all: another process may read it meanwhile), removed when the JVM exits. */
  void writeOwn() throws IOException {
    Path temporary = path.resolveSibling(path.getFileName() + ".new");
    Files.writeString(temporary, ProcessHandle.current().pid() + "\n");
    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    path.toFile().deleteOnExit();
  }

  void delete() throws IOException {
    Files.deleteIfExists(path);
  }
}
