package org.openautoglm.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link RegistryWriterMain} running in its own JVM, and what it printed. */
final class WriterProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private WriterProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "writer-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static WriterProcess start(Path repository, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // a writer lives for seconds: start fast rather than run fast
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RegistryWriterMain.class.getName());
    command.add("repo=" + repository);
    command.addAll(List.of(arguments));
    return new WriterProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process was killed: what was read is what it said
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  long appended() {
    return lines.stream().filter(line -> line.startsWith("appended ")).count();
  }

  /** Waits until the process printed a line starting with {@code prefix} {@code count} times. */
  void awaitLines(String prefix, long count, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (lines.stream().filter(line -> line.startsWith(prefix)).count() < count) {
      if (!process.isAlive() && !reader.isAlive()) {
        throw new AssertionError("the writer exited early: " + output());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the writer did not print '" + prefix + "' in time: " + output());
      }
      Thread.sleep(5);
    }
  }

  int awaitExit(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "the writer did not finish in " + timeoutSeconds + " s: " + output());
    }
    reader.join(5_000);
    return process.exitValue();
  }

  /** Kills it like {@code kill -9}: no shutdown hooks, no finally blocks, in the middle of work. */
  void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    reader.join(5_000);
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
