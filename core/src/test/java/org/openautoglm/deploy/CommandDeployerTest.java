package org.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command deployer with real processes: python3 and sh scripts, run as argument lists. */
class CommandDeployerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final DeployListener listener = lines::add;

  private static Release release() {
    return new Release(
        "staging",
        "sha256:0123456789abcdef0123456789abcdef",
        7,
        "s3://models/sentiment/7",
        "ghcr.io/acme/sentiment-serve:1.4.2",
        Map.of("replica-count", "3", "helm.release", "sentiment"));
  }

  private Path script(String name, String... content) throws IOException {
    return Files.write(dir.resolve(name), List.of(content), StandardCharsets.UTF_8);
  }

  @Test
  void shouldSucceedAndPassTheReleaseInTheEnvironment() throws IOException {
    Path script =
        script(
            "show.py",
            "import os, sys",
            "for name in sorted(os.environ):",
            "    if name.startswith('AUTOGLM_'):",
            "        print(name + '=' + os.environ[name])",
            "print('cwd=' + os.getcwd())");
    CommandDeployer deployer = new CommandDeployer(List.of("python3", script.toString()), dir);

    DeployOutcome outcome = deployer.deploy(release(), TIMEOUT, listener);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(outcome.success()).as(outcome.message()).isTrue();
    soft.assertThat(outcome.message())
        .startsWith("command 'python3' deployed model version 7 (snapshot 0123456789ab) in ");
    soft.assertThat(lines)
        .contains(
            "AUTOGLM_ENVIRONMENT=staging",
            "AUTOGLM_SNAPSHOT=sha256:0123456789abcdef0123456789abcdef",
            "AUTOGLM_MODEL_VERSION=7",
            "AUTOGLM_MODEL_URI=s3://models/sentiment/7",
            "AUTOGLM_IMAGE=ghcr.io/acme/sentiment-serve:1.4.2",
            "AUTOGLM_PARAM_REPLICA_COUNT=3",
            "AUTOGLM_PARAM_HELM_RELEASE=sentiment",
            "cwd=" + dir.toRealPath());
    soft.assertThat(outcome.duration()).isPositive();
    soft.assertAll();
  }

  @Test
  void shouldLeaveTheImageVariableUnsetWhenTheReleaseKeepsTheImage() throws IOException {
    Path script =
        script("image.py", "import os", "print('image=' + os.environ.get('AUTOGLM_IMAGE', '-'))");
    CommandDeployer deployer = new CommandDeployer(List.of("python3", script.toString()), dir);

    DeployOutcome outcome =
        deployer.deploy(release().withImage(null).withParameters(Map.of()), TIMEOUT, listener);

    assertThat(outcome.success()).isTrue();
    assertThat(lines).contains("image=-");
  }

  @Test
  void shouldPassArgumentsLiterallyWithoutAShell() throws IOException {
    Path script =
        script("argv.py", "import sys", "for a in sys.argv[1:]:", "    print('arg=' + a)");
    String hostile = "$(touch pwned); echo `id` > pwned2 && echo *";
    CommandDeployer deployer =
        new CommandDeployer(List.of("python3", script.toString(), hostile, "two words"), dir);

    DeployOutcome outcome = deployer.deploy(release(), TIMEOUT, listener);

    assertThat(outcome.success()).isTrue();
    assertThat(lines).contains("arg=" + hostile, "arg=two words");
    assertThat(dir.resolve("pwned")).doesNotExist();
    assertThat(dir.resolve("pwned2")).doesNotExist();
  }

  @Test
  void shouldFailNamingTheExitCodeAndTheLastOutputLine() throws IOException {
    Path script =
        script(
            "fail.sh",
            "echo 'upgrading release sentiment'",
            "echo 'Error: UPGRADE FAILED: timed out' >&2",
            "exit 3");
    CommandDeployer deployer = new CommandDeployer(List.of("sh", script.toString()), dir);

    DeployOutcome outcome = deployer.deploy(release(), TIMEOUT, listener);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .isEqualTo(
            "command 'sh' exited with code 3; last output: Error: UPGRADE FAILED: timed out");
    assertThat(lines)
        .as("stdout and stderr both reach the listener")
        .contains("upgrading release sentiment", "Error: UPGRADE FAILED: timed out");
  }

  @Test
  void shouldStopTheWholeProcessTreeOnTimeout() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Path script =
        script(
            "hang.sh",
            "sleep 120 &",
            "echo $! > '" + pidFile + "'",
            "echo 'waiting for the rollout'",
            "wait");
    CommandDeployer deployer = new CommandDeployer(List.of("sh", script.toString()), dir);

    long start = System.nanoTime();
    DeployOutcome outcome = deployer.deploy(release(), Duration.ofSeconds(1), listener);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .startsWith("command 'sh' timed out after 1 s; it was stopped with its child processes")
        .endsWith("last output: waiting for the rollout");
    assertThat(took).isLessThan(Duration.ofSeconds(6));
    long child = Long.parseLong(Files.readString(pidFile).trim());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
                    .as("the background child was stopped too")
                    .isFalse());
  }

  @Test
  void shouldKillACommandThatIgnoresTheTerminationSignal() throws IOException {
    Path script =
        script(
            "stubborn.py",
            "import signal, time",
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
            "print('ignoring SIGTERM', flush=True)",
            "time.sleep(120)");
    CommandDeployer deployer = new CommandDeployer(List.of("python3", script.toString()), dir);

    long start = System.nanoTime();
    DeployOutcome outcome = deployer.deploy(release(), Duration.ofMillis(500), listener);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message()).startsWith("command 'python3' timed out after 0.5 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the grace period, then SIGKILL")
        .isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void shouldStopTheCommandWhenInterrupted() throws Exception {
    Path pidFile = dir.resolve("sh.pid");
    Path script = script("sleep.sh", "echo $$ > '" + pidFile + "'", "echo started", "sleep 120");
    CommandDeployer deployer = new CommandDeployer(List.of("sh", script.toString()), dir);
    AtomicReference<DeployOutcome> outcome = new AtomicReference<>();
    AtomicBoolean flagSet = new AtomicBoolean();
    Thread worker =
        new Thread(
            () -> {
              outcome.set(deployer.deploy(release(), TIMEOUT, listener));
              flagSet.set(Thread.currentThread().isInterrupted());
            });
    worker.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("started"));

    worker.interrupt();
    worker.join(10_000);

    assertThat(worker.isAlive()).as("the deployer returned soon after the interrupt").isFalse();
    assertThat(outcome.get().success()).isFalse();
    assertThat(outcome.get().message())
        .isEqualTo("command 'sh' was stopped: the deployment was interrupted");
    assertThat(flagSet).as("the interrupt flag is set again").isTrue();
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void shouldReportAProgramThatCannotBeStarted() {
    CommandDeployer deployer =
        new CommandDeployer(List.of("no-such-program-autoglm", "--version"), dir);

    DeployOutcome outcome = deployer.deploy(release(), TIMEOUT, listener);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .startsWith("command 'no-such-program-autoglm' could not be started: ");
  }

  @Test
  void shouldCutOverlongOutputLines() throws IOException {
    Path script = script("long.py", "print('x' * 100000)", "print('done')");
    CommandDeployer deployer = new CommandDeployer(List.of("python3", script.toString()), dir);

    DeployOutcome outcome = deployer.deploy(release(), TIMEOUT, listener);

    assertThat(outcome.success()).isTrue();
    assertThat(lines.stream().filter(line -> line.startsWith("xxx")).findFirst().orElseThrow())
        .hasSize(CommandDeployer.MAX_LINE_CHARS);
    assertThat(lines).contains("done");
  }

  @Test
  void shouldRefuseParametersThatBecomeTheSameVariable() throws IOException {
    Path script = script("never.sh", "touch ran");
    CommandDeployer deployer = new CommandDeployer(List.of("sh", script.toString()), dir);

    DeployOutcome outcome =
        deployer.deploy(
            release().withParameters(Map.of("helm-release", "a", "helm.release", "b")),
            TIMEOUT,
            listener);

    assertThat(outcome.success()).isFalse();
    assertThat(outcome.message())
        .contains("'helm-release' and 'helm.release' both become AUTOGLM_PARAM_HELM_RELEASE");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void shouldRefuseAnEmptyCommand() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new CommandDeployer(List.of(), dir))
        .withMessage("the deploy command is empty");
  }

  @Test
  void shouldDescribeSignalsInExitCodes() {
    assertThat(CommandDeployer.describeExit(137))
        .isEqualTo("was killed by signal 9 (exit code 137)");
    assertThat(CommandDeployer.describeExit(2)).isEqualTo("exited with code 2");
  }
}
