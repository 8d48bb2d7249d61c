package todo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A filesystem of a few MB (a tmpfs) mounted on a folder, to fill up in a test. Mounting
 * needs root: when this process is not root or the mount fails, the test is skipped with the
 * reason, and says so on its output, as a skipped test is easy to miss in a green run.
 */
public final class SmallDisk implements AutoCloseable {

  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (as mount's {@code size=}: "3m") on {@code dir}, or skips the test. */
  public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Ran id = run("id", "-u");
    if (!id.output().equals("0")) skip("not root (id -u: " + id.output() + "): mounting a small filesystem needs root");
    Ran mount = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    if (!mount.ok()) skip("cannot mount a tmpfs on " + dir + ": " + mount.output());
    return new SmallDisk(dir);
  }

  private static void skip(String reason) {
    System.out.println("SKIPPED, A FULL DISK IS NOT TESTED: " + reason);
    Assumptions.abort(reason);
  }

  /** Takes {@code bytes} of the filesystem with a file named {@code name}; deleting it frees them. */
  public Path fill(String name, int bytes) throws IOException {
    return Files.write(dir.resolve(name), new byte[bytes]);
  }

  /** Unmounts: call it once nothing holds a file in it open any more (a node has stopped). */
  @Override
  public void close() throws IOException, InterruptedException {
    Ran umount = run("umount", dir.toString());
    if (!umount.ok()) throw new IOException("cannot unmount " + dir + ": " + umount.output());
  }

  private record Ran(boolean ok, String output) {}

  private static Ran run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Ran(false, String.join(" ", command) + ": no answer in 30 s");
    }
    return new Ran(p.exitValue() == 0, p.exitValue() == 0 ? out : String.join(" ", command) + ": exit " + p.exitValue() + " " + out);
  }
}
