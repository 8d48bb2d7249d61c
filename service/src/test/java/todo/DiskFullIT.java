package todo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node whose data folder fills up: a tmpfs of 3 MB (needs root; skipped with the
 * reason otherwise). It refuses writes with the cause, keeps serving the lists it holds,
 * takes writes again by itself once there is space, and loses nothing it acknowledged.
 */
class DiskFullIT {

  private static final String DAY = "2018-12-19";
  private static final String PADDING = "x".repeat(900); // a few pages a write: the disk fills in about a hundred

  @TempDir Path dir;

  private static String addEntry(String list, String title) {
    return "/add_entry?list=" + list + "&date=" + DAY + "&title=" + title;
  }

  private static List<String> titles(NodeProcess node, String list) throws Exception {
    HttpResponse<String> r = node.get("/entries?list=" + list + "&date=" + DAY);
    assertThat(r.statusCode()).as("reading %s: %s", list, r.body()).isEqualTo(200);
    if (r.body().isEmpty()) return List.of();
    return Arrays.stream(r.body().split("\n")).map(line -> line.substring(DAY.length() + 1)).toList();
  }

  @Test
  void aFullDiskRefusesWritesWithItsCauseAndTheNodeTakesThemAgainOnceThereIsSpace() throws Exception {
    // the node's own folder (<db-folder>/<name>) is the small disk; its log stays outside, on a disk with room
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk1"), "3m")) {
      NodeProcess node = new NodeProcess("disk1", dir, TestNodes.freePort());
      try {
        fillAndFree(disk, node);
      } catch (AssertionError | RuntimeException e) {
        System.out.println("DiskFullIT: the node's log:\n" + node.log());
        throw e;
      } finally {
        node.close(); // before the unmount: nothing may hold the file open
      }
    }
  }

  private static void fillAndFree(SmallDisk disk, NodeProcess node) throws Exception {
    Path filler = disk.fill("filler", 512 * 1024); // what the operator deletes to make room
    node.start();
    String file = node.dataFile().toString();
    assertThat(node.post(addEntry("early", "before")).statusCode()).isEqualTo(200);
    assertThat(titles(node, "early")).containsExactly("before");

    Map<String, List<String>> acknowledged = new TreeMap<>();
    acknowledged.put("early", new ArrayList<>(List.of("before")));
    String refusedList = null;
    String refusal = null;
    for (int i = 0; refusal == null; i++) {
      assertThat(i).as("a 3 MB disk never filled up").isLessThan(5000);
      String list = "l" + (i % 10);
      String title = i + "-" + PADDING;
      HttpResponse<String> r = node.post(addEntry(list, title));
      if (r.statusCode() == 200) {
        acknowledged.computeIfAbsent(list, l -> new ArrayList<>()).add(title);
      } else {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        refusal = r.body();
        refusedList = list;
      }
    }
    assertThat(refusal).contains("the disk of disk1@127.0.0.1 is full", file, "SQLITE_FULL");
    assertThat(node.logLines("Store failed: the disk of disk1@127.0.0.1 is full")).hasSize(1).allMatch(l -> l.contains(file));
    assertThat(node.log()).doesNotContain("\tat ").doesNotContain("cannot rollback");

    // still full: the lists held keep serving reads, the one just refused too; writes stay refused, with the cause
    assertThat(titles(node, "early")).containsExactly("before");
    assertThat(titles(node, refusedList)).containsExactlyElementsOf(acknowledged.get(refusedList));
    HttpResponse<String> again = node.post(addEntry(refusedList, "again"));
    assertThat(again.statusCode()).isEqualTo(503);
    assertThat(again.body()).contains("is full", file);

    Files.delete(filler);
    long pid = node.pid();
    assertThat(node.post(addEntry(refusedList, "after")).statusCode()).isEqualTo(200);
    assertThat(node.post(addEntry("early", "after")).statusCode()).isEqualTo(200);
    assertThat(titles(node, "fresh")).as("a list loaded for the first time").isEmpty();
    acknowledged.get(refusedList).add("after");
    acknowledged.get("early").add("after");
    assertThat(node.isAlive()).isTrue();
    assertThat(node.pid()).as("no restart").isEqualTo(pid);
    assertThat(node.logLines("Disk - The disk of disk1@127.0.0.1 takes writes again")).hasSize(1).allMatch(l -> l.contains(file));

    // from the file: every acknowledged entry, and nothing that was refused
    assertThat(node.terminate()).isEqualTo(143);
    node.start();
    for (var list : acknowledged.entrySet()) {
      assertThat(titles(node, list.getKey())).as(list.getKey()).containsExactlyElementsOf(list.getValue());
    }
    assertThat(node.terminate()).isEqualTo(143);
  }
}
