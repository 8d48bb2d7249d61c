package todo.log;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Puts the node's name ({@code node1@vm}) on every log line from now on: logback.xml prints
 * the context property {@code node} ({@code -} in a process that starts no node). One node
 * per JVM in the product; in-JVM tests that start several see the last one's.
 */
public final class NodeLog {

  static final String PROPERTY = "node";

  private NodeLog() {}

  public static void name(String node) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) name(context, node);
  }

  static void name(LoggerContext context, String node) {
    context.putProperty(PROPERTY, node);
  }
}
