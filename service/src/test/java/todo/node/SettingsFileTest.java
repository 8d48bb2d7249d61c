package todo.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * application.conf is the operators' reference too (the distribution's conf/application.conf
 * is a copy of it): every setting in it says why, in a comment of its own or of the section
 * around it.
 */
class SettingsFileTest {

  @Test
  void everySettingHasAComment() {
    Config file = ConfigFactory.parseResources("application.conf");
    List<String> silent = file.entrySet().stream().map(Map.Entry::getKey)
        .filter(path -> !commented(file, ConfigUtil.splitPath(path))).sorted().toList();
    assertThat(silent).as("settings without a comment, on them or on a section around them").isEmpty();
  }

  /** A comment on the setting, or on one of the sections it is in (below the top level: todo, pekko). */
  private static boolean commented(Config file, List<String> path) {
    // read through the tree, not file.getValue: a setting read from the environment (${?VAR}) stays unresolved here
    List<com.typesafe.config.ConfigValue> values = new java.util.ArrayList<>();
    com.typesafe.config.ConfigValue value = file.root();
    for (String key : path) {
      value = ((com.typesafe.config.ConfigObject) value).get(key);
      values.add(value);
    }
    for (int depth = path.size(); depth >= 2; depth--) {
      if (!values.get(depth - 1).origin().comments().isEmpty()) return true;
    }
    return false;
  }
}
