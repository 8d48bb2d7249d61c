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
    for (int depth = path.size(); depth >= 2; depth--) {
      if (!file.getValue(ConfigUtil.joinPath(path.subList(0, depth))).origin().comments().isEmpty()) return true;
    }
    return false;
  }
}
