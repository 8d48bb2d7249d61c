package todo.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import todo.list.Change;
import todo.list.Entry;

/**
 * What a change costs the disk, counted: the bytes this JVM hands the kernel to write
 * ({@code write_bytes} of {@code /proc/self/io}, a page of 4 KiB each time a clean page of a
 * file is changed), over a few hundred changes with synced commits (FULL, the default).
 * Files before issue 11 wrote about 20 KB per change (4 KiB pages, two b-trees for the
 * request ids), which both bounds below refuse.
 */
class BytesPerChangeTest {

  private static final LocalDate DAY = LocalDate.parse("2018-12-19");
  private static final Path IO = Path.of("/proc/self/io");

  @TempDir Path dir;
  private SqliteFile store;

  @BeforeEach
  void open() throws Exception {
    store = new SqliteFile(dir.resolve("node1/todo.db"), 1, "FULL");
  }

  @AfterEach
  void close() {
    store.close();
  }

  /**
   * One change per synced commit (a lone client, one list), the worst case: each commit
   * writes at least the one page of the WAL it ends in, 4 KiB, however little it changed.
   */
  @Test
  void aChangeCommittedAloneWritesLittleMoreThanOnePageOfTheWal() throws Exception {
    long[] version = {0};
    Batch one = () -> {
      assertThat(store.apply(List.of(add("bob", ++version[0])))).extracting(Result::outcome).containsOnly(Outcome.APPLIED);
      return 1;
    };
    for (int i = 0; i < 50; i++) one.apply();
    double perChange = bytesPerChange(300, one);
    assertThat(perChange).as("bytes written per change, one change per commit").isLessThan(12_000);
  }

  /** Changes to many lists that queue together share a commit: each then writes a few small pages. */
  @Test
  void changesCommittedTogetherWriteLessThanFourKilobytesEach() throws Exception {
    int lists = 200;
    long[] versions = new long[lists];
    Random random = new Random(11);
    Batch batch = () -> {
      List<Stamped> changes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int list = random.nextInt(lists);
        if (changes.stream().noneMatch(c -> c.list().equals("list" + list))) changes.add(add("list" + list, ++versions[list]));
      }
      assertThat(store.apply(changes)).extracting(Result::outcome).containsOnly(Outcome.APPLIED);
      return changes.size();
    };
    for (int i = 0; i < 20; i++) batch.apply();
    double perChange = bytesPerChange(30, batch);
    assertThat(perChange).as("bytes written per change, about 20 changes per commit").isLessThan(4_000);
  }

  private interface Batch {
    /** Commits some changes: how many. */
    int apply() throws Exception;
  }

  /** The bytes written per change by {@code commits} commits of {@code batch}. */
  private double bytesPerChange(int commits, Batch batch) throws Exception {
    long before = writeBytes();
    assumeThat(before).as("this kernel counts the bytes a process writes (/proc/self/io)").isGreaterThanOrEqualTo(0);
    long changes = 0;
    for (int i = 0; i < commits; i++) changes += batch.apply();
    long written = writeBytes() - before;
    assumeThat(written).as("the temporary folder is on a filesystem that counts writes (tmpfs does not)").isPositive();
    System.out.printf("%d changes in %d commits wrote %d bytes: %.0f per change%n", changes, commits, written,
        (double) written / changes);
    return (double) written / changes;
  }

  private static long writeBytes() throws Exception {
    if (!Files.isReadable(IO)) return -1;
    for (String line : Files.readAllLines(IO)) {
      if (line.startsWith("write_bytes:")) return Long.parseLong(line.substring("write_bytes:".length()).trim());
    }
    return -1;
  }

  /** Adds entry {@code version} to {@code list}, for a request of its own, as every write over HTTP has. */
  private static Stamped add(String list, long version) {
    return Stamped.first(new Change.Put(list, version, new Entry(version, DAY, "entry " + version, false, version),
        UUID.randomUUID().toString()));
  }
}
