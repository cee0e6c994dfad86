package org.openautoglm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.deploy.HealthCheck;
import org.openautoglm.notify.Notifier;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.policy.PolicyLoader;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.EnvironmentTarget;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.training.TrainingSpec;

/**
 * The promotion half of {@code autoglm demo}: register, promote by role, approve, deploy to a real
 * (small) model server, catch a bad version with its health check and roll back — on a fresh
 * registry in a temporary directory, with the example's deploy script and policy.
 */
final class DemoStory {
  private final ProjectDescriptor project;
  private final Path work;
  private final PrintWriter out;

  DemoStory(ProjectDescriptor project, Path work, PrintWriter out) {
    this.project = project;
    this.work = work;
    this.out = out;
  }

  int run(Path goodModel) {
    Path serving = work.resolve("serving");
    Policy policy =
        new PolicyLoader(LoadLimits.DEFAULT)
            .load(project.resolve("policy.yaml"))
            .withProjectRules(ProjectRules.of(project));
    Process server = null;
    try (Registry registry = Registry.open(work.resolve("registry.git"))) {
      int port = freePort();
      server = startServer(port, serving);
      Promotions promotions =
          new Promotions(
              project.name(),
              registry,
              policy,
              name -> target(name, port, serving),
              Notifier.none(),
              line -> say("   " + line),
              Clock.systemUTC());
      section("registering v1 (trained above)");
      ModelVersion v1 = register(registry, goodModel, "bob");
      say("registered v" + v1.number() + " (" + v1.artifactUri() + ")");

      section("bob (researcher) promotes v1 to dev");
      report(promotions.promote(Actor.of("bob"), "dev", 1, "first model"));
      section("bob tries production");
      report(promotions.promote(Actor.of("bob"), "production", 1, "looks good"));
      section("alice (admin) promotes v1 to staging, then asks for production");
      report(promotions.promote(Actor.of("alice"), "staging", 1, "passed dev"));
      PromotionResult waiting = promotions.promote(Actor.of("alice"), "production", 1, "release 1");
      report(waiting);
      section("alice cannot approve her own request; dave (admin) approves");
      report(promotions.approve(Actor.of("alice"), "production", waiting.requestId(), "me"));
      report(promotions.approve(Actor.of("dave"), "production", waiting.requestId(), "reviewed"));
      report(promotions.promote(Actor.of("alice"), "production", 1, "release 1"));

      section("a diverged training run (lr=1e308) becomes v2; bob promotes it to dev");
      Path badModel = work.resolve("model-v2.json");
      TrainingSpec diverged =
          TrainingRun.spec(
                  project,
                  List.of("python3", "training/train.py", "--steps", "5", "--lr", "1e308"),
                  1,
                  1)
              .withShape(1, 1, 0);
      if (DemoCommand.train(project, diverged, badModel, out) != 0) {
        return 1;
      }
      register(registry, badModel, "bob");
      PromotionResult bad = promotions.promote(Actor.of("bob"), "dev", 2, "new hyperparameters");
      report(bad);

      for (String environment : List.of("dev", "production")) {
        section("history of " + environment + " (newest first)");
        for (HistoryEntry entry : registry.history(environment, 20, 0)) {
          say("   " + HistoryCommand.line(entry));
        }
      }
      say("");
      say(
          "registry: "
              + registry.directory()
              + " (try: autoglm history --project "
              + project.descriptor()
              + " --registry "
              + registry.directory()
              + " --env dev)");
      // the story ends well when production is verified and dev was restored to v1
      boolean ok =
          registry.state("production").verified()
              && registry.state("dev").verified()
              && registry.state("dev").version() == 1;
      say(
          ok
              ? "demo finished: production runs v1 (verified); dev was rolled back to v1"
              : "demo did not end as expected");
      return ok ? 0 : 1;
    } finally {
      if (server != null) {
        server.destroy();
        try {
          server.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        server.destroyForcibly();
      }
    }
  }

  private EnvironmentTarget target(String name, int port, Path serving) {
    ProjectDescriptor.Environment environment =
        project
            .environment(name)
            .orElseThrow(() -> new IllegalArgumentException("no environment " + name));
    Map<String, String> parameters = new LinkedHashMap<>(environment.parameters());
    parameters.put("STATE_DIR", serving.toString());
    HealthCheck health = environment.healthCheck();
    if (health != null) {
      // the example names port 18081; the demo's server runs on a free port
      String url = health.url().toString().replace(":18081/", ":" + port + "/");
      HealthCheck moved =
          HealthCheck.of(url)
              .withRetries(health.retries())
              .withInterval(health.interval())
              .withAttemptTimeout(health.attemptTimeout())
              .withTimeout(health.timeout());
      health = moved;
    }
    return new EnvironmentTarget(
        name,
        environment.deploy().create(context -> null, project.resolve(".")),
        health,
        environment.deploy().timeout(),
        environment.rollbackTimeout(),
        environment.image(),
        parameters,
        environment.automaticRollback());
  }

  private ModelVersion register(Registry registry, Path model, String user) {
    try {
      return registry.register(
          ModelVersion.draft(
              model.toUri().toString(),
              RegisterCommand.sha256(model),
              project.training().image(),
              RegisterCommand.configDigest(project),
              null,
              Map.of(),
              null,
              user));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startServer(int port, Path serving) {
    try {
      Files.createDirectories(serving);
      Process process =
          new ProcessBuilder(
                  "python3",
                  "serving/model_server.py",
                  "--port",
                  Integer.toString(port),
                  "--state-dir",
                  serving.toString())
              .directory(project.resolve(".").toFile())
              .redirectErrorStream(true)
              .start();
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = reader.readLine();
      if (first == null || !first.startsWith("model server on")) {
        process.destroyForcibly();
        throw new IllegalStateException("the example model server did not start: " + first);
      }
      section("the example model server runs on http://127.0.0.1:" + port);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the example model server", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void report(PromotionResult result) {
    say(
        "   => "
            + result.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + ": "
            + result.message());
  }

  private void section(String title) {
    say("");
    say("== " + title);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
