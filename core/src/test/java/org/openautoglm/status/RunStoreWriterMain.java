package org.openautoglm.status;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second process writing to a run store, for {@link RunStoreTest}. Arguments: the store's
 * directory, the run's id, the first rank to append, how many to append, and a file to wait for
 * before writing.
 */
public final class RunStoreWriterMain {
  private RunStoreWriterMain() {}

  public static void main(String[] args) throws Exception {
    RunStore store = RunStore.open(Path.of(args[0]));
    String id = args[1];
    int base = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    Path go = Path.of(args[4]);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.exists(go)) {
      if (System.currentTimeMillis() > deadline) {
        System.out.println("no go file");
        System.exit(2);
      }
      Thread.sleep(2);
    }
    for (int i = 0; i < count; i++) {
      int rank = base + i;
      store.update(id, run -> RunStoreTest.withRank(run, rank, "process " + base));
    }
    System.out.println("appended " + count);
  }
}
