package org.openautoglm.bench.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's side of a {@link MockCluster}: in a process of its own (the default, so that the
 * launcher's heap, threads and CPU are measured alone), or in this JVM.
 */
interface ClusterHandle extends AutoCloseable {
  String masterUrl();

  void logs(MockCluster.LogConfig config);

  void reset();

  /** Every pod exits 0 and the Job is marked complete; returns when the statuses are written. */
  void succeed();

  MockCluster.Stats stats();

  /** CPU time the mock server's process used so far, or NaN when it is this JVM. */
  double cpuSeconds();

  @Override
  void close();

  /** The mock server in this JVM: its heap and CPU then count with the launcher's. */
  static ClusterHandle inProcess() {
    MockCluster cluster = new MockCluster();
    return new ClusterHandle() {
      @Override
      public String masterUrl() {
        return cluster.masterUrl();
      }

      @Override
      public void logs(MockCluster.LogConfig config) {
        cluster.logs(config);
      }

      @Override
      public void reset() {
        cluster.reset();
      }

      @Override
      public void succeed() {
        cluster.succeedAll();
      }

      @Override
      public MockCluster.Stats stats() {
        return cluster.stats();
      }

      @Override
      public double cpuSeconds() {
        return Double.NaN;
      }

      @Override
      public void close() {
        cluster.close();
      }
    };
  }

  /** The mock server in a child JVM of its own, driven through its standard input. */
  static ClusterHandle forked(List<String> jvmOptions) {
    return new Forked(jvmOptions);
  }

  final class Forked implements ClusterHandle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final BufferedReader answers;
    private final Writer commands;
    private final String url;

    Forked(List<String> jvmOptions) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new java.util.ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(MockCluster.class.getName());
      try {
        process =
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the mock-server process", e);
      }
      answers =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      String ready = answer();
      if (!ready.startsWith("READY ")) {
        throw new IllegalStateException("the mock-server process said: " + ready);
      }
      url = ready.substring("READY ".length());
    }

    private String answer() {
      try {
        String line;
        while ((line = answers.readLine()) != null) {
          if (line.startsWith("@@ ")) {
            return line.substring(3);
          }
        }
        throw new IllegalStateException("the mock-server process ended");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String call(String command) {
      try {
        commands.write(command + "\n");
        commands.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String answer = answer();
      if (answer.startsWith("ERROR")) {
        throw new IllegalStateException(answer);
      }
      return answer;
    }

    @Override
    public String masterUrl() {
      return url;
    }

    @Override
    public void logs(MockCluster.LogConfig config) {
      call("logs " + config.lines() + " " + config.lineBytes() + " " + config.rate());
    }

    @Override
    public void reset() {
      call("reset");
    }

    @Override
    public void succeed() {
      call("succeed");
    }

    @Override
    public MockCluster.Stats stats() {
      try {
        return JSON.readValue(call("stats"), MockCluster.Stats.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public double cpuSeconds() {
      return process
          .info()
          .totalCpuDuration()
          .map(duration -> duration.toNanos() / 1e9)
          .orElse(Double.NaN);
    }

    @Override
    public void close() {
      try {
        commands.write("quit\n");
        commands.flush();
      } catch (IOException e) {
        // the process is gone already
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroy();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
      }
    }
  }
}
