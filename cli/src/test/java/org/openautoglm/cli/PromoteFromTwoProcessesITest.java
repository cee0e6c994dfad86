package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openautoglm.cli.PromotionProject.RESEARCHER;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code autoglm promote} processes (separate JVMs, as two people at two terminals) against one
 * registry and one environment, each held in its deploy command until the test lets it go.
 *
 * <p>A promotion records its {@code promote} entry before it deploys and its {@code verify} entry
 * after the health check, both compare-and-swap. So the second of two promotions either loses at
 * once (both read the same state and the other recorded first) or, when it read the state after the
 * other's {@code promote}, overtakes it: then the first one's {@code verify} is the write that
 * loses.
 */
@Timeout(240)
class PromoteFromTwoProcessesITest {
  private static final long WAIT_MILLIS = 90_000;

  @TempDir Path temp;

  private PromotionProject project;
  private final List<Promotion> started = new ArrayList<>();

  @BeforeEach
  void registerTwoVersionsAndHoldDeploys() throws IOException {
    project = PromotionProject.create(temp);
    project.register("model-1.safetensors", "weights one");
    project.register("model-2.safetensors", "weights two");
    Files.createFile(project.deployDirectory().resolve("hold"));
  }

  @AfterEach
  void stopWhatIsLeft() {
    started.forEach(promotion -> promotion.process().destroyForcibly());
    project.close();
  }

  @Test
  void shouldLetExactlyOneOfTwoSimultaneousPromotionsWin() throws Exception {
    Promotion one = start(1);
    Promotion two = start(2);
    awaitUntil(
        () ->
            (deploying(1) || !one.process().isAlive())
                && (deploying(2) || !two.process().isAlive()),
        "both promotions deploying, or refused");
    release("release");

    int first = one.awaitExit();
    int second = two.awaitExit();

    assertThat(List.of(first, second))
        .as("exit codes\n%s\n%s", one.transcript(), two.transcript())
        .containsExactlyInAnyOrder(0, 4);
    Promotion winner = first == 0 ? one : two;
    Promotion loser = first == 0 ? two : one;
    assertThat(winner.lastLine())
        .isEqualTo("done: v" + winner.version() + " is live and verified in dev");
    // the loser either lost the race to record its promotion, or found the winner's in flight
    assertThat(loser.lastLine())
        .as(loser.transcript())
        .containsPattern("^(autoglm: )?conflict: ")
        .containsPattern(
            "dev moved from seq \\d+ to \\d+ \\((\\d+ changes, the latest: )?(promote|verify) v"
                + winner.version()
                + "( \\(passed\\))? by bob\\) while you were working"
                + "|a promote of v"
                + winner.version()
                + " to dev by bob started at .* has not finished its health check");
    JsonNode history = project.history("dev", 100, 0);
    assertSeqsWithoutGaps(history);
    assertThat(history.get("current").get("version").asInt()).isEqualTo(winner.version());
    assertThat(history.get("current").get("verified").asBoolean()).isTrue();
    List<String> actions = actions(history);
    assertThat(actions.get(0)).isEqualTo("verify v" + winner.version());
    for (Promotion promotion : List.of(one, two)) {
      if (promotion.output().contains("autoglm: promoting v" + promotion.version() + " ")) {
        assertThat(actions)
            .as("a promotion the process made is in the history")
            .contains("promote v" + promotion.version());
      }
    }
    assertThat(actions).as("nothing but the two promotions and one verify").hasSizeBetween(2, 3);
  }

  @Test
  void shouldRefuseASecondPromotionWhileOneIsDeploying() throws Exception {
    Promotion first = start(1);
    awaitDeploying(first);
    Promotion second = start(2);

    int secondExit = second.awaitExit();
    release("release-v1");
    int firstExit = first.awaitExit();

    assertThat(secondExit).as(second.transcript()).isEqualTo(4);
    assertThat(second.lastLine())
        .as(second.transcript())
        .containsPattern("^(autoglm: )?conflict: a promote of v1 to dev by bob started at ")
        .endsWith(
            "has not finished its health check; try again when it has (autoglm history --env dev)");
    assertThat(firstExit).as(first.transcript()).isZero();
    JsonNode history = project.history("dev", 100, 0);
    assertSeqsWithoutGaps(history);
    assertThat(actions(history)).containsExactly("verify v1", "promote v1");
    assertThat(project.deployedVersion("dev")).isEqualTo(1);
  }

  @Test
  void shouldNeverRecordAVersionAsVerifiedThatAnOvertakenDeployReplaced() throws Exception {
    Promotion overtaken = start(1);
    awaitDeploying(overtaken);
    Promotion overtaking = start(2);
    awaitUntil(() -> deploying(2) || !overtaking.process().isAlive(), "v2 deploying or refused");

    release("release-v2");
    int overtakingExit = overtaking.awaitExit();
    release("release-v1");
    int overtakenExit = overtaken.awaitExit();

    assertThat(List.of(overtakenExit, overtakingExit)).containsExactlyInAnyOrder(0, 4);
    JsonNode current = project.history("dev", 1, 0).get("current");
    assertThat(current.get("verified").asBoolean()).isTrue();
    assertThat(project.deployedVersion("dev"))
        .as("what dev runs is what the registry records as verified")
        .isEqualTo(current.get("version").asInt());
  }

  /** One {@code autoglm promote --env dev} by bob in its own JVM. */
  private record Promotion(int version, Process process, Path log) {
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("v" + version + "'s promotion did not end:\n" + output());
      }
      return process.exitValue();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String lastLine() {
      List<String> lines = output().lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    String transcript() {
      return "promotion of v" + version + ":\n" + output();
    }
  }

  private Promotion start(int version) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                AutoglmCommand.class.getName()));
    command.addAll(
        project.arguments(RESEARCHER, "promote", "--env", "dev", "--version", "" + version));
    Path log = temp.resolve("promote-v" + version + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // only the command line says who acts and under which policy
    builder.environment().keySet().removeIf(name -> name.startsWith("AUTOGLM_"));
    Promotion promotion = new Promotion(version, builder.start(), log);
    started.add(promotion);
    return promotion;
  }

  /** Waits until the promotion holds in its deploy command; fails at once if it ended instead. */
  private void awaitDeploying(Promotion promotion) throws InterruptedException {
    awaitUntil(
        () -> deploying(promotion.version()) || !promotion.process().isAlive(),
        "v" + promotion.version() + " deploying");
    assertThat(deploying(promotion.version()))
        .as("v%s deploying; %s", promotion.version(), promotion.transcript())
        .isTrue();
  }

  private boolean deploying(int version) {
    return Files.exists(project.deployDirectory().resolve("started-v" + version));
  }

  private void release(String file) throws IOException {
    Files.createFile(project.deployDirectory().resolve(file));
  }

  private void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        StringBuilder outputs = new StringBuilder();
        started.forEach(promotion -> outputs.append(promotion.transcript()).append('\n'));
        throw new AssertionError("timed out waiting for " + what + "\n" + outputs);
      }
      Thread.sleep(20);
    }
  }

  private static void assertSeqsWithoutGaps(JsonNode history) {
    List<Long> seqs = new ArrayList<>();
    history.get("entries").forEach(entry -> seqs.add(entry.get("seq").asLong()));
    assertThat(seqs).as("seqs").isNotEmpty();
    assertThat(seqs)
        .as("seqs, newest first")
        .containsExactlyElementsOf(
            LongStream.iterate(seqs.get(0), seq -> seq - 1).limit(seqs.get(0)).boxed().toList());
  }

  private static List<String> actions(JsonNode history) {
    List<String> actions = new ArrayList<>();
    history
        .get("entries")
        .forEach(
            entry ->
                actions.add(entry.get("action").asText() + " v" + entry.get("version").asInt()));
    return actions;
  }
}
