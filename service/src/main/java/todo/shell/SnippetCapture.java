package todo.shell;

import java.util.Map;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import todo.beam.SnippetClasses;

/**
 * JShell's execution engine for {@code todo shell}: snippets run in this JVM (so they see
 * this node), as JShell's "local" engine runs them, and the bytecode of every class a
 * snippet defines is kept, so that a lambda typed in the shell can be shipped to the node
 * that runs it. Registered under the name {@value #NAME} in META-INF/services.
 */
public final class SnippetCapture implements ExecutionControlProvider {

  static final String NAME = "todo";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
    return new LocalExecutionControl() {
      @Override
      public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        for (ClassBytecodes c : classes) SnippetClasses.record(c.name(), c.bytecodes());
        super.load(classes);
      }
    };
  }
}
