package todo.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import todo.store.StoreReader;

/** Each node's store as the {@link Checker} takes it: read through {@link StoreReader}, compared by version. */
final class Stores {

  private Stores() {}

  /** Every list the file holds; empty when the node never created its file. */
  static Map<String, Checker.ListCopy> read(Path file) throws SQLException {
    Map<String, Checker.ListCopy> lists = new TreeMap<>();
    if (!Files.exists(file)) return lists;
    try (StoreReader store = StoreReader.open(file)) {
      store.lists().forEach((list, stored) -> lists.put(list, new Checker.ListCopy(stored.version(),
          stored.entries().stream().map(e -> new Checker.Row(e.id(), e.title(), e.completed(), e.date())).toList())));
    }
    return lists;
  }

  /** The lists whose versions differ between {@code stores} (a list a store lacks is at 0 there). */
  static List<String> unequal(List<Map<String, Checker.ListCopy>> stores) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    stores.forEach(s -> names.addAll(s.keySet()));
    List<String> unequal = new ArrayList<>();
    for (String list : names) {
      long distinct = stores.stream().mapToLong(s -> s.containsKey(list) ? s.get(list).version() : 0).distinct().count();
      if (distinct > 1) unequal.add(list);
    }
    return unequal;
  }
}
