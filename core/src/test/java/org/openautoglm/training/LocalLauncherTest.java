package org.openautoglm.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local launcher with real python3 processes. */
class LocalLauncherTest {
  private static final Path EXAMPLE = Path.of("..", "examples").toAbsolutePath().normalize();

  @TempDir Path work;

  private final Recorder recorder = new Recorder();

  @AfterEach
  void shouldLeaveNoProcessBehind() {
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count())
        .as("child processes still running")
        .isZero();
  }

  @Test
  void shouldTrainTheExampleWithFourRanksAndALossThatFalls() {
    LocalJob job =
        job(List.of("python3", "training/train.py", "--steps", "40"), EXAMPLE, 2, 2, 60, 0);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    assertThat(result.ranks())
        .extracting(RankStatus::state)
        .containsOnly(RankState.SUCCEEDED)
        .hasSize(4);
    List<Metric> loss = result.metrics().get("loss");
    assertThat(loss).hasSize(40);
    assertThat(loss.get(loss.size() - 1).value()).isLessThan(loss.get(0).value() * 0.7);
    assertThat(loss).allSatisfy(metric -> assertThat(metric.rank()).isZero());
    assertThat(recorder.ranksThatLogged()).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void shouldGiveEveryRankTheContractEnvironment() {
    String script =
        "import os\n"
            + "keys = ['MASTER_ADDR','MASTER_PORT','WORLD_SIZE','RANK','LOCAL_RANK',"
            + "'LOCAL_WORLD_SIZE','NODE_RANK','NNODES','EXTRA']\n"
            + "print(' '.join(k + '=' + os.environ.get(k, '?') for k in keys))\n";
    LocalJob job =
        new LocalJob(
            List.of("python3", "-c", script),
            work,
            Map.of("EXTRA", "x"),
            2,
            3,
            Duration.ofSeconds(60),
            0);

    new LocalLauncher(job, recorder).run();

    SoftAssertions soft = new SoftAssertions();
    for (int rank = 0; rank < 6; rank++) {
      String line = recorder.linesOf(rank).get(0);
      soft.assertThat(line)
          .contains("MASTER_ADDR=127.0.0.1 ")
          .contains("WORLD_SIZE=6 ")
          .contains("RANK=" + rank + " ")
          .contains("LOCAL_RANK=" + rank % 3 + " ")
          .contains("LOCAL_WORLD_SIZE=3 ")
          .contains("NODE_RANK=" + rank / 3 + " ")
          .contains("NNODES=2 ")
          .contains("EXTRA=x");
    }
    soft.assertAll();
  }

  @Test
  void shouldStopTheGroupWithinSecondsWhenOneRankFails() {
    String script =
        "import os, sys, time\n"
            + "if os.environ['RANK'] == '1':\n"
            + "    time.sleep(0.3)\n"
            + "    sys.exit(3)\n"
            + "time.sleep(120)\n";
    LocalJob job = job(List.of("python3", "-c", script), work, 2, 2, 120, 0);

    TrainingResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> new LocalLauncher(job, recorder).run());

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().rank()).isEqualTo(1);
    assertThat(result.firstFailure().exitCode()).isEqualTo(3);
    assertThat(result.firstFailure().reason()).isEqualTo("exited with code 3");
    assertThat(result.ranks())
        .filteredOn(rank -> rank.rank() != 1)
        .extracting(RankStatus::state)
        .containsOnly(RankState.STOPPED);
    assertThat(recorder.events()).anyMatch(event -> event.contains("rank 1 failed"));
  }

  @Test
  void shouldKillEveryRankOnTimeout() {
    LocalJob job =
        new LocalJob(
            List.of("python3", "-c", "import time; print('up', flush=True); time.sleep(120)"),
            work,
            Map.of(),
            1,
            2,
            Duration.ofMillis(1500),
            3);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason()).contains("timed out");
    assertThat(result.attempts()).as("a timeout is not retried").isEqualTo(1);
    assertThat(result.ranks()).extracting(RankStatus::state).containsOnly(RankState.STOPPED);
  }

  @Test
  void shouldRestartTheWholeGroupUpToMaxRestarts() {
    Path marker = work.resolve("attempts");
    String script =
        "import os, sys\n"
            + "if os.environ['RANK'] == '0':\n"
            + "    with open(r'"
            + marker
            + "', 'a') as f: f.write('x')\n"
            + "    sys.exit(0 if len(open(r'"
            + marker
            + "').read()) >= 3 else 1)\n";
    LocalJob job = job(List.of("python3", "-c", script), work, 1, 2, 60, 5);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.state()).isEqualTo(TrainingState.SUCCEEDED);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(recorder.events()).filteredOn(e -> e.startsWith("restarting")).hasSize(2);
  }

  @Test
  void shouldFailWhenRestartsAreExhausted() {
    LocalJob job = job(List.of("python3", "-c", "import sys; sys.exit(2)"), work, 1, 1, 60, 1);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.firstFailure().reason()).isEqualTo("exited with code 2");
  }

  @Test
  void shouldAbortAndStopEveryRankWhenInterrupted() throws Exception {
    LocalJob job =
        job(
            List.of("python3", "-c", "import time; print('up', flush=True); time.sleep(120)"),
            work,
            1,
            3,
            120,
            0);
    AtomicReference<TrainingResult> result = new AtomicReference<>();
    Thread runner = new Thread(() -> result.set(new LocalLauncher(job, recorder).run()));
    runner.start();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> recorder.ranksThatLogged().size() == 3);

    runner.interrupt();
    runner.join(10_000);

    assertThat(runner.isAlive()).isFalse();
    assertThat(result.get().state()).isEqualTo(TrainingState.ABORTED);
    assertThat(result.get().ranks()).extracting(RankStatus::state).containsOnly(RankState.STOPPED);
  }

  @Test
  void shouldCollectMetricsFromEveryRankAndIgnoreMalformedLines() {
    String script =
        "import os\n"
            + "r = int(os.environ['RANK'])\n"
            + "print('AUTOGLM_METRIC {\"name\": \"acc\", \"step\": 1, \"value\": %d}' % r)\n"
            + "print('AUTOGLM_METRIC {not json}')\n"
            + "print('AUTOGLM_METRIC {\"name\": \"acc\", \"step\": \"x\", \"value\": 1}')\n"
            + "print('AUTOGLM_METRIC {\"name\": \"acc\", \"step\": 2, \"value\": NaN}')\n";
    LocalJob job = job(List.of("python3", "-c", script), work, 1, 3, 60, 0);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.metrics()).containsOnlyKeys("acc");
    assertThat(result.metrics().get("acc"))
        .extracting(Metric::rank, Metric::value)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(0, 0.0),
            org.assertj.core.groups.Tuple.tuple(1, 1.0),
            org.assertj.core.groups.Tuple.tuple(2, 2.0));
    assertThat(recorder.linesOf(0)).contains("AUTOGLM_METRIC {not json}");
  }

  @Test
  void shouldCutOverlongLinesToBoundMemory() {
    LocalJob job =
        job(List.of("python3", "-c", "print('x' * 1000000); print('next')"), work, 1, 1, 60, 0);

    new LocalLauncher(job, recorder).run();

    assertThat(recorder.linesOf(0)).hasSize(2);
    assertThat(recorder.linesOf(0).get(0)).hasSize(LocalLauncher.MAX_LINE_CHARS);
    assertThat(recorder.linesOf(0).get(1)).isEqualTo("next");
  }

  @Test
  void shouldNameACommandThatCannotStart() {
    LocalJob job = job(List.of("/nonexistent/trainer"), work, 1, 2, 60, 0);

    TrainingResult result = new LocalLauncher(job, recorder).run();

    assertThat(result.state()).isEqualTo(TrainingState.FAILED);
    assertThat(result.firstFailure().reason()).startsWith("cannot start");
  }

  private static LocalJob job(
      List<String> command, Path dir, int nodes, int procs, int timeoutSeconds, int restarts) {
    return new LocalJob(
        command, dir, Map.of(), nodes, procs, Duration.ofSeconds(timeoutSeconds), restarts);
  }

  /** Keeps what the launcher reported, by rank. */
  private static final class Recorder implements TrainingListener {
    private final List<String[]> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void log(int rank, String line) {
      lines.add(new String[] {Integer.toString(rank), line});
    }

    @Override
    public void event(String message) {
      events.add(message);
    }

    List<String> linesOf(int rank) {
      synchronized (lines) {
        return lines.stream()
            .filter(entry -> entry[0].equals(Integer.toString(rank)))
            .map(entry -> entry[1])
            .toList();
      }
    }

    java.util.Set<Integer> ranksThatLogged() {
      synchronized (lines) {
        return lines.stream()
            .map(entry -> Integer.parseInt(entry[0]))
            .collect(java.util.stream.Collectors.toSet());
      }
    }

    List<String> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }
  }
}
