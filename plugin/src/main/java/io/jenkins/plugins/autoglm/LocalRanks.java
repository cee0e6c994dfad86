package io.jenkins.plugins.autoglm;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Proc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openautoglm.training.Metric;
import org.openautoglm.training.MetricLine;
import org.openautoglm.training.RankContract;
import org.openautoglm.training.RankState;
import org.openautoglm.training.RankStatus;
import org.openautoglm.training.TrainingListener;
import org.openautoglm.training.TrainingResult;
import org.openautoglm.training.TrainingSpec;
import org.openautoglm.training.TrainingState;

/**
 * The {@code local} backend in Jenkins: {@code nodes × procsPerNode} processes on the build's
 * agent, started through its {@link Launcher} with the rank contract, like core's local launcher on
 * one machine: every line with its rank, metrics parsed, fail fast (one rank fails, the others are
 * stopped), restarts of the whole group, one deadline for everything.
 */
final class LocalRanks {
  private final Launcher launcher;
  private final FilePath directory;
  private final EnvVars environment;
  private final TrainingSpec spec;
  private final TrainingListener listener;

  LocalRanks(
      Launcher launcher,
      FilePath directory,
      EnvVars environment,
      TrainingSpec spec,
      TrainingListener listener) {
    this.launcher = launcher;
    this.directory = directory;
    this.environment = environment;
    this.spec = spec;
    this.listener = listener;
  }

  /**
   * Runs to the end; {@link TrainingState#ABORTED} when the thread is interrupted (every process is
   * killed first and the interrupt flag is set again).
   */
  TrainingResult run() throws IOException {
    long deadline = System.currentTimeMillis() + spec.timeout().toMillis();
    Map<String, List<Metric>> metrics = Collections.synchronizedMap(new LinkedHashMap<>());
    Attempt attempt = null;
    for (int number = 1; number <= spec.maxRestarts() + 1; number++) {
      if (number > 1) {
        listener.event(
            "restarting all ranks (restart " + (number - 1) + " of " + spec.maxRestarts() + ")");
      }
      attempt = new Attempt(number, metrics);
      attempt.run(deadline);
      if (attempt.state != TrainingState.FAILED || attempt.timedOut) {
        break;
      }
    }
    Map<String, List<Metric>> copy = new LinkedHashMap<>();
    synchronized (metrics) {
      metrics.forEach((name, series) -> copy.put(name, List.copyOf(series)));
    }
    return new TrainingResult(
        attempt.state, List.of(attempt.status), copy, attempt.firstFailure, attempt.number);
  }

  /** One start of the whole group. */
  private final class Attempt {
    private final int number;
    private final Map<String, List<Metric>> metrics;
    private final RankStatus[] status;
    private final List<Proc> processes = new ArrayList<>();
    private TrainingState state = TrainingState.SUCCEEDED;
    private RankStatus firstFailure;
    private boolean timedOut;

    Attempt(int number, Map<String, List<Metric>> metrics) {
      this.number = number;
      this.metrics = metrics;
      this.status = new RankStatus[spec.worldSize()];
      for (int rank = 0; rank < status.length; rank++) {
        status[rank] = new RankStatus(rank, RankState.PENDING, null, null);
      }
    }

    void run(long deadline) throws IOException {
      BlockingQueue<int[]> exits = new LinkedBlockingQueue<>();
      try {
        int port = launcher.getChannel().call(new FreePort());
        listener.event(
            "starting "
                + spec.worldSize()
                + " ranks ("
                + spec.nodes()
                + " nodes × "
                + spec.procsPerNode()
                + ") on this agent, MASTER_ADDR=127.0.0.1 MASTER_PORT="
                + port);
        for (int rank = 0; rank < spec.worldSize(); rank++) {
          Proc process = start(rank, port);
          processes.add(process);
          status[rank] = new RankStatus(rank, RankState.RUNNING, null, null);
          int finalRank = rank;
          Thread waiter =
              new Thread(
                  () -> {
                    int code;
                    try {
                      code = process.join();
                    } catch (IOException | InterruptedException e) {
                      code = -1;
                    }
                    exits.add(new int[] {finalRank, code});
                  },
                  "AutoGLM rank " + rank);
          waiter.setDaemon(true);
          waiter.start();
        }
        for (int finished = 0; finished < processes.size(); finished++) {
          long left = deadline - System.currentTimeMillis();
          int[] exit = left <= 0 ? null : exits.poll(left, TimeUnit.MILLISECONDS);
          if (exit == null) {
            timedOut = true;
            String reason = "the run timed out after " + spec.timeout().toSeconds() + " s";
            listener.event(reason + "; stopping all ranks");
            stopAll(reason);
            state = TrainingState.FAILED;
            firstFailure = new RankStatus(-1, RankState.FAILED, null, reason);
            return;
          }
          int rank = exit[0];
          int code = exit[1];
          if (code == 0) {
            status[rank] = new RankStatus(rank, RankState.SUCCEEDED, 0, null);
          } else {
            status[rank] = new RankStatus(rank, RankState.FAILED, code, describe(code));
            state = TrainingState.FAILED;
            firstFailure = status[rank];
            listener.event(
                "rank " + rank + " failed: " + describe(code) + "; stopping the other ranks");
            stopAll("stopped because rank " + rank + " failed");
            return;
          }
        }
      } catch (InterruptedException e) {
        state = TrainingState.ABORTED;
        listener.event("interrupted; stopping all ranks");
        stopAll("the run was cancelled");
        Thread.currentThread().interrupt();
      }
    }

    private Proc start(int rank, int port) throws IOException {
      EnvVars env = new EnvVars(environment);
      env.putAll(spec.env());
      env.putAll(
          RankContract.environment("127.0.0.1", port, spec.nodes(), spec.procsPerNode(), rank));
      LineForwarder out =
          new LineForwarder(
              line -> {
                listener.log(rank, line);
                MetricLine.parse(line, rank, System.currentTimeMillis())
                    .ifPresent(
                        metric -> {
                          metrics
                              .computeIfAbsent(metric.name(), name -> new ArrayList<>())
                              .add(metric);
                          listener.metric(metric);
                        });
              });
      return launcher
          .launch()
          .cmds(spec.command())
          .envs(env)
          .pwd(directory)
          .stdout(out)
          .quiet(true)
          .start();
    }

    /** Kills every process still running (with its children: Jenkins kills the process tree). */
    private void stopAll(String reason) {
      boolean interrupted = false;
      for (Proc process : processes) {
        try {
          process.kill();
        } catch (IOException e) {
          listener.event("cannot stop a rank: " + e.getMessage());
        } catch (InterruptedException e) {
          interrupted = true; // kill the others first, then keep the interrupt
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      for (int rank = 0; rank < status.length; rank++) {
        RankState current = status[rank].state();
        if (current == RankState.RUNNING || current == RankState.PENDING) {
          status[rank] = new RankStatus(rank, RankState.STOPPED, null, reason);
        }
      }
    }
  }

  static String describe(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      return "killed by signal " + signal + (signal == 9 ? " (SIGKILL; out of memory?)" : "");
    }
    return "exited with code " + code;
  }
}
