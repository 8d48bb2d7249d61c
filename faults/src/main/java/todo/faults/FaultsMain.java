package todo.faults;

import todo.cli.Main;

/**
 * The fault campaign's jar: {@code todo} with one more command, {@code todo faults}. It runs
 * on the product's jar (its manifest names todo.jar), whose nodes the campaign starts.
 */
public final class FaultsMain {

  private FaultsMain() {}

  public static void main(String[] args) {
    Main.main(new FaultsCommand(), args);
  }
}
