package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C during {@code autoglm train}: every rank stopped, result printed, exit code 130. */
class TrainInterruptTest {
  @TempDir Path dir;

  @Test
  void shouldStopEveryRankAndExitWith130OnCtrlC() throws Exception {
    ExampleProject project = ExampleProject.copyInto(dir);
    Path javaCommand = Path.of(System.getProperty("java.home"), "bin", "java");
    Process cli =
        new ProcessBuilder(
                javaCommand.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AutoglmCommand.class.getName(),
                "train",
                "--project",
                project.descriptor(),
                "--",
                "python3",
                "-c",
                "import time; print('up', flush=True); time.sleep(120)")
            .redirectErrorStream(true)
            .start();
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (java.io.IOException e) {
                // the stream ends with the process
              }
            });
    reader.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lines.stream().filter(line -> line.endsWith("] up")).count() == 4);
    List<ProcessHandle> ranks = cli.descendants().toList();
    assertThat(ranks).hasSizeGreaterThanOrEqualTo(4);

    new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();

    assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(5_000);
    assertThat(cli.exitValue()).isEqualTo(130);
    assertThat(lines).anyMatch(line -> line.startsWith("ABORTED: 4 ranks"));
    assertThat(ranks).noneMatch(ProcessHandle::isAlive);
  }
}
