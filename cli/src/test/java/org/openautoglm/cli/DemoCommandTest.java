package org.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openautoglm.cli.CliRun.autoglm;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path temp;

  @Test
  void shouldValidateAndPrintEveryConfigForEveryEnvironment() {
    ExampleProject project = ExampleProject.copyInto(temp);

    CliRun run = autoglm("demo", "--skip-training", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    assertThat(run.err()).isEmpty();
    List<String> lines = run.outLines();
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(lines.get(0)).contains("project 'sentiment-classifier'");
    for (String config : List.of("configs/train.yaml", "configs/serving.json")) {
      for (String env : ExampleProject.ENVIRONMENTS) {
        softly.assertThat(lines).contains("== " + project.path(config) + " [" + env + "]: valid");
      }
    }
    softly
        .assertThat(section(lines, project.path("configs/train.yaml"), "production"))
        .contains("   |   batch_size: 256", "   |   timeout: 5000", "   | schema_version: 3");
    softly
        .assertThat(section(lines, project.path("configs/train.yaml"), "dev"))
        .contains("   |   batch_size: 16")
        .doesNotContain("   |   batch_size: 256");
    softly
        .assertThat(section(lines, project.path("configs/serving.json"), "staging"))
        .contains("   |   \"replicas\": 2,");
    softly.assertThat(lines).last().isEqualTo("valid: 6 checks, no errors");
    softly.assertAll();
  }

  @Test
  @Timeout(120)
  void shouldTrainTheExampleLocallyOnceEveryConfigIsValid() {
    ExampleProject project = ExampleProject.copyInto(temp);

    CliRun run = autoglm("demo", "--no-ui", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isZero();
    List<String> lines = run.outLines();
    int summary = lines.indexOf("valid: 6 checks, no errors");
    assertThat(summary).as(run.transcript()).isPositive();
    assertThat(lines.subList(summary, lines.size()))
        .anySatisfy(
            line -> assertThat(line).startsWith("== training ").endsWith("2 nodes × 2 processes"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("SUCCEEDED: 4 ranks"));
    // then the promotion story: refused by role, approved, a bad version rolled back
    assertThat(lines)
        .anySatisfy(line -> assertThat(line).contains("=> denied: bob (researcher) may promote"))
        .anySatisfy(line -> assertThat(line).contains("=> done: dave approved v1 for production"))
        .anySatisfy(line -> assertThat(line).contains("rolled back to v1"));
    assertThat(lines)
        .last()
        .asString()
        .isEqualTo(
            "demo finished: production runs v1 (verified); dev rolled v2 back to v1, then took v3");
  }

  @Test
  void shouldShowTheErrorsOfABrokenProjectAndExitWithOne() {
    ExampleProject project =
        ExampleProject.copyInto(temp)
            .replace("values/production.yaml", "batch_size: 256", "batch_size: 99999");
    String train = project.path("configs/train.yaml");

    CliRun run = autoglm("demo", "--no-ui", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    List<String> production = section(run.outLines(), train, "production");
    assertThat(run.outLines()).contains("== " + train + " [production]: 1 error(s)");
    assertThat(production)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("   " + train + ":12:15: [production] /trainer/batch_size: ")
                    .contains(project.path("values/production.yaml") + ":2:15"));
    assertThat(production)
        .as("an invalid config is not printed as if it were usable")
        .noneMatch(line -> line.startsWith("   |"));
    assertThat(run.outLines())
        .as("nothing is trained from invalid configs")
        .last()
        .isEqualTo("invalid: 1 error in 1 of 6 checks");
  }

  @Test
  void shouldShowADriftAcrossEnvironments() {
    ExampleProject project =
        ExampleProject.copyInto(temp)
            .append("values/production.yaml", "model:\n  base: roberta-base\n");
    String train = project.path("configs/train.yaml");

    CliRun run = autoglm("demo", "--no-ui", "--project", project.descriptor());

    assertThat(run.exitCode()).as(run.transcript()).isEqualTo(1);
    assertThat(section(run.outLines(), train, "all environments"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("   " + train + ":5:3: /model/base: differs across environments"));
  }

  @Test
  void shouldExplainHowToNameAProjectWhenNoExampleIsFound() {
    assertThat(Path.of("examples")).as("precondition: tests run in the cli module").doesNotExist();
    assumeTrue(
        System.getenv("AUTOGLM_HOME") == null, "AUTOGLM_HOME names an installation with examples");

    CliRun run = autoglm("demo");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no example project", "--project");
  }

  /** The lines printed for one config in one environment, header excluded. */
  private static List<String> section(List<String> lines, String file, String env) {
    String header = "== " + file + " [" + env + "]: ";
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(header)) {
        start = i + 1;
      }
    }
    assertThat(start).as("section %s", header).isPositive();
    int end = start;
    while (end < lines.size() && !lines.get(end).isEmpty()) {
      end++;
    }
    return lines.subList(start, end);
  }

  @Test
  @Timeout(120)
  void shouldServeItsDashboardOnAFreePortWhenTheChosenOneIsTaken() throws Exception {
    ExampleProject project = ExampleProject.copyInto(temp);
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      java.util.concurrent.atomic.AtomicInteger exit =
          new java.util.concurrent.atomic.AtomicInteger(-1);
      String[] arguments = {
        "demo", "--project", project.descriptor(), "--port", Integer.toString(taken.getLocalPort())
      };
      Thread demo =
          new Thread(
              () ->
                  exit.set(
                      AutoglmCommand.run(
                          arguments,
                          new java.io.PrintWriter(out),
                          new java.io.PrintWriter(err),
                          System.getenv())),
              "autoglm-demo-test");
      demo.setDaemon(true);
      demo.start();
      try {
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(100))
            .until(() -> out.toString().contains("autoglm: dashboard on ") || !demo.isAlive());

        assertThat(out.toString())
            .as("exit %d, stderr: %s", exit.get(), err)
            .contains("port " + taken.getLocalPort() + " is in use; serving on a free port instead")
            .containsPattern("autoglm: dashboard on http://127\\.0\\.0\\.1:\\d+/");
      } finally {
        demo.interrupt();
        demo.join(30_000);
      }
      assertThat(exit.get()).as(out.toString()).isZero();
    }
  }
}
