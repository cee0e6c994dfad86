package org.openautoglm.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a training job as local processes with the rank contract, like torchrun on one machine.
 *
 * <p>Fail fast: when one rank exits non-zero, the others are stopped at once (SIGTERM, then SIGKILL
 * after a grace period, children included) and the run fails naming that rank, unless restarts are
 * left, in which case the whole group starts again on a fresh port. Every process is waited for, so
 * none is left running or as a zombie, also on timeout and on interruption.
 */
public final class LocalLauncher {
  static final int MAX_LINE_CHARS = TrainingListener.MAX_LINE_CHARS;

  private static final long GRACE_MILLIS = 3_000;

  private final LocalJob job;
  private final TrainingListener listener;
  private final Clock clock;

  public LocalLauncher(LocalJob job, TrainingListener listener) {
    this(job, listener, Clock.systemUTC());
  }

  LocalLauncher(LocalJob job, TrainingListener listener, Clock clock) {
    this.job = job;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Runs the job to its end.
   *
   * @return the result; {@link TrainingState#ABORTED} when the calling thread was interrupted (the
   *     interrupt flag is set again)
   */
  public TrainingResult run() {
    long deadline = clock.millis() + job.timeout().toMillis();
    Map<String, List<Metric>> metrics = Collections.synchronizedMap(new LinkedHashMap<>());
    Attempt attempt = null;
    for (int number = 1; number <= job.maxRestarts() + 1; number++) {
      if (number > 1) {
        listener.event(
            "restarting all ranks (restart " + (number - 1) + " of " + job.maxRestarts() + ")");
      }
      attempt = new Attempt(number, metrics);
      attempt.run(deadline);
      if (attempt.state != TrainingState.FAILED || attempt.timedOut) {
        break;
      }
    }
    return new TrainingResult(
        attempt.state, attempt.statuses(), copy(metrics), attempt.firstFailure, attempt.number);
  }

  private static Map<String, List<Metric>> copy(Map<String, List<Metric>> metrics) {
    synchronized (metrics) {
      Map<String, List<Metric>> result = new LinkedHashMap<>();
      metrics.forEach((name, series) -> result.put(name, List.copyOf(series)));
      return Collections.unmodifiableMap(result);
    }
  }

  /** One start of the whole group. */
  private final class Attempt {
    private final int number;
    private final Map<String, List<Metric>> metrics;
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final RankStatus[] status;
    private TrainingState state = TrainingState.SUCCEEDED;
    private RankStatus firstFailure;
    private boolean timedOut;

    Attempt(int number, Map<String, List<Metric>> metrics) {
      this.number = number;
      this.metrics = metrics;
      this.status = new RankStatus[job.worldSize()];
      for (int rank = 0; rank < status.length; rank++) {
        status[rank] = new RankStatus(rank, RankState.PENDING, null, null);
      }
    }

    void run(long deadline) {
      BlockingQueue<Integer> exits = new LinkedBlockingQueue<>();
      int port = freePort();
      listener.event(
          "starting "
              + job.worldSize()
              + " ranks ("
              + job.nodes()
              + " nodes × "
              + job.procsPerNode()
              + "), MASTER_ADDR=127.0.0.1 MASTER_PORT="
              + port);
      try {
        for (int rank = 0; rank < job.worldSize(); rank++) {
          Process process = start(rank, port);
          processes.add(process);
          status[rank] = new RankStatus(rank, RankState.RUNNING, null, null);
          int finalRank = rank;
          process.onExit().thenRun(() -> exits.add(finalRank));
        }
        int finished = 0;
        while (finished < processes.size()) {
          long left = deadline - clock.millis();
          Integer rank = left <= 0 ? null : exits.poll(left, TimeUnit.MILLISECONDS);
          if (rank == null) {
            timedOut = true;
            fail(null, "the run timed out after " + job.timeout().toSeconds() + " s");
            return;
          }
          finished++;
          int code = processes.get(rank).exitValue();
          if (code == 0) {
            status[rank] = new RankStatus(rank, RankState.SUCCEEDED, 0, null);
          } else {
            status[rank] = new RankStatus(rank, RankState.FAILED, code, describeExit(code));
            fail(status[rank], null);
            return;
          }
        }
      } catch (InterruptedException e) {
        state = TrainingState.ABORTED;
        listener.event("interrupted; stopping all ranks");
        stopAll("the run was cancelled");
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        state = TrainingState.FAILED;
        firstFailure =
            new RankStatus(
                processes.size(), RankState.FAILED, null, "cannot start: " + e.getMessage());
        status[processes.size()] = firstFailure;
        stopAll("another rank could not start");
      } finally {
        awaitReaders();
      }
    }

    private void fail(RankStatus failed, String reason) {
      state = TrainingState.FAILED;
      firstFailure = failed;
      if (failed != null) {
        listener.event(
            "rank " + failed.rank() + " failed: " + failed.reason() + "; stopping the other ranks");
        stopAll("stopped because rank " + failed.rank() + " failed");
      } else {
        listener.event(reason + "; stopping all ranks");
        stopAll(reason);
        firstFailure = new RankStatus(-1, RankState.FAILED, null, reason);
      }
    }

    private Process start(int rank, int port) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(job.command());
      builder.directory(job.workingDirectory().toFile());
      builder.redirectErrorStream(true);
      builder.environment().putAll(job.environment());
      builder
          .environment()
          .putAll(
              RankContract.environment("127.0.0.1", port, job.nodes(), job.procsPerNode(), rank));
      Process process = builder.start();
      process.getOutputStream().close();
      Thread reader = new Thread(() -> read(rank, process), "autoglm-rank-" + rank);
      reader.setDaemon(true);
      reader.start();
      readers.add(reader);
      return process;
    }

    private void read(int rank, Process process) {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          if (c == '\n') {
            emit(rank, line);
            line.setLength(0);
          } else if (line.length() < MAX_LINE_CHARS) {
            line.append((char) c);
          }
        }
        if (line.length() > 0) {
          emit(rank, line);
        }
      } catch (IOException e) {
        // the process was killed while we read; its output ends here
      }
    }

    private void emit(int rank, StringBuilder buffer) {
      int end = buffer.length();
      if (end > 0 && buffer.charAt(end - 1) == '\r') {
        end--;
      }
      String line = buffer.substring(0, end);
      listener.log(rank, line);
      MetricLine.parse(line, rank, clock.millis())
          .ifPresent(
              metric -> {
                metrics.computeIfAbsent(metric.name(), k -> new ArrayList<>()).add(metric);
                listener.metric(metric);
              });
    }

    /**
     * Stops every process still running and its children: TERM, a grace period, then KILL; and
     * waits for each, so none is left running or unreaped. Waiting ignores interrupts (a second
     * Ctrl-C must not leave processes behind); the interrupt flag is restored afterwards.
     */
    private void stopAll(String reason) {
      for (Process process : processes) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
      }
      boolean interrupted = false;
      long until = System.currentTimeMillis() + GRACE_MILLIS;
      for (Process process : processes) {
        while (true) {
          try {
            long left = Math.max(0, until - System.currentTimeMillis());
            if (!process.waitFor(left, TimeUnit.MILLISECONDS)) {
              process.descendants().forEach(ProcessHandle::destroyForcibly);
              process.destroyForcibly().waitFor();
            }
            break;
          } catch (InterruptedException e) {
            interrupted = true;
            until = System.currentTimeMillis();
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      for (int rank = 0; rank < status.length; rank++) {
        RankState current = status[rank].state();
        if (current == RankState.RUNNING || current == RankState.PENDING) {
          Integer code =
              rank < processes.size() && !processes.get(rank).isAlive()
                  ? processes.get(rank).exitValue()
                  : null;
          status[rank] = new RankStatus(rank, RankState.STOPPED, code, reason);
        }
      }
    }

    private void awaitReaders() {
      for (Thread reader : readers) {
        try {
          reader.join(GRACE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    List<RankStatus> statuses() {
      return List.of(status);
    }
  }

  static String describeExit(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      return "killed by signal " + signal + (signal == 9 ? " (SIGKILL; out of memory?)" : "");
    }
    return "exited with code " + code;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
