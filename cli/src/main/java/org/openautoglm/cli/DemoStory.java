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
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collections;
import java.util.HexFormat;
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
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.HistoryEntry;
import org.openautoglm.registry.ModelVersion;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.RecordedPromotions;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunStore;
import org.openautoglm.training.TrainingSpec;

/**
 * The promotion half of {@code autoglm demo}: register, promote by role, approve, deploy to a real
 * (small) model server, catch a bad version with its health check and roll back — on a fresh
 * registry in a temporary directory, with the example's deploy script and policy.
 */
final class DemoStory implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The people of the demo's policy (examples/policy.yaml). */
  static final List<String> PEOPLE = List.of("alice", "bob", "carol", "dave");

  private final ProjectDescriptor project;
  private final Path work;
  private final PrintWriter out;
  private final Policy policy;
  private final Registry registry;
  private final RunStore runs;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private Process server;
  private int port;

  DemoStory(ProjectDescriptor project, Path work, PrintWriter out) {
    this.project = project;
    this.work = work;
    this.out = out;
    this.policy =
        new PolicyLoader(LoadLimits.DEFAULT)
            .load(project.resolve("policy.yaml"))
            .withProjectRules(ProjectRules.of(project));
    this.registry = Registry.open(work.resolve("registry.git"));
    this.runs = RunStore.open(work.resolve("runs"));
    for (String person : PEOPLE) {
      tokens.put(person, person + "-" + randomToken());
    }
  }

  /** Where the demo's run records are; the first training run is recorded here too. */
  RunStore runs() {
    return runs;
  }

  /**
   * Plays the story on the model {@code goodModel} trained by run {@code trainingRun}: register,
   * promote by role, approve, roll back a bad version. The model server and the registry stay up
   * for {@link #dashboard()} until {@link #close()}.
   */
  int run(Path goodModel, String trainingRun) {
    Path serving = work.resolve("serving");
    port = freePort();
    server = startServer(port, serving);
    RecordedPromotions promotions =
        new RecordedPromotions(
            project.name(),
            registry,
            policy,
            runs,
            this::promotions,
            line -> say("   " + line),
            Clock.systemUTC());
    section("registering v1 (trained above)");
    ModelVersion v1 = register(goodModel, "bob", trainingRun);
    say("registered v" + v1.number() + " (" + v1.artifactUri() + ")");

    section("bob (researcher) promotes v1 to dev");
    report(promote(promotions, "bob", "dev", 1, "first model"));
    section("bob tries production");
    report(promote(promotions, "bob", "production", 1, "looks good"));
    section("alice (admin) promotes v1 to staging, then asks for production");
    report(promote(promotions, "alice", "staging", 1, "passed dev"));
    RunRecorder release = promotions.startPromotion(Actor.of("alice"), "production", 1);
    PromotionResult waiting =
        promotions.promote(release, Actor.of("alice"), "production", 1, "release 1");
    report(waiting);
    section("alice cannot approve her own request; dave (admin) approves");
    Promotions plain = promotions(PromotionListener.NONE);
    report(plain.approve(Actor.of("alice"), "production", waiting.requestId(), "me"));
    report(plain.approve(Actor.of("dave"), "production", waiting.requestId(), "reviewed"));
    report(promotions.promote(release, Actor.of("alice"), "production", 1, "release 1"));

    section("a diverged training run (lr=1e308) becomes v2; bob promotes it to dev");
    Path badModel = work.resolve("model-v2.json");
    TrainingSpec diverged =
        TrainingRun.spec(
                project,
                List.of("python3", "training/train.py", "--steps", "5", "--lr", "1e308"),
                1,
                1)
            .withShape(1, 1, 0);
    RunRecorder divergedRun = DemoCommand.startTraining(runs, project, diverged, "bob");
    if (DemoCommand.train(project, diverged, badModel, out, divergedRun, "bob") != 0) {
      return 1;
    }
    register(badModel, "bob", divergedRun.id());
    report(promote(promotions, "bob", "dev", 2, "new hyperparameters"));

    section("bob retrains with the usual learning rate (v3) and promotes it to dev");
    Path retrained = work.resolve("model-v3.json");
    TrainingSpec again =
        TrainingRun.spec(project, List.of("python3", "training/train.py", "--steps", "40"), 1, 1)
            .withShape(1, 1, 0);
    RunRecorder againRun = DemoCommand.startTraining(runs, project, again, "bob");
    if (DemoCommand.train(project, again, retrained, out, againRun, "bob") != 0) {
      return 1;
    }
    register(retrained, "bob", againRun.id());
    report(promote(promotions, "bob", "dev", 3, "retrained"));

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
    // the story ends well when production is verified, v2 was rolled back in dev and v3 runs
    // there, with v1 to roll back to (the dashboard's Rollback button)
    boolean rolledBack =
        registry.history("dev", 20, 0).stream()
            .anyMatch(
                entry ->
                    entry.action() == HistoryEntry.Action.ROLLBACK
                        && Integer.valueOf(1).equals(entry.version()));
    boolean ok =
        registry.state("production").verified()
            && rolledBack
            && registry.state("dev").verified()
            && Integer.valueOf(3).equals(registry.state("dev").version());
    say(
        ok
            ? "demo finished: production runs v1 (verified); dev rolled v2 back to v1, then took v3"
            : "demo did not end as expected");
    return ok ? 0 : 1;
  }

  /** The dashboard over the demo's registry and runs, deploying like the story did. */
  DashboardBackend dashboard() {
    return new DashboardBackend(
        project,
        registry,
        runs,
        policy,
        this::promotions,
        line -> say("ui: " + line),
        Clock.systemUTC());
  }

  /** A token per person of the demo's policy, new for every demo. */
  Map<String, String> tokens() {
    return Collections.unmodifiableMap(tokens);
  }

  /** The roles the demo's policy gives a person. */
  List<String> roles(String person) {
    return policy.rolesOf(Actor.of(person));
  }

  ApiTokens apiTokens() {
    Map<String, Actor> byToken = new LinkedHashMap<>();
    tokens.forEach((person, token) -> byToken.put(token, Actor.of(person)));
    return ApiTokens.of(byToken);
  }

  @Override
  public void close() {
    try {
      registry.close();
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

  private PromotionResult promote(
      RecordedPromotions promotions, String user, String environment, int version, String reason) {
    Actor actor = Actor.of(user);
    return promotions.promote(
        promotions.startPromotion(actor, environment, version),
        actor,
        environment,
        version,
        reason);
  }

  private Promotions promotions(PromotionListener listener) {
    Path serving = work.resolve("serving");
    return new Promotions(
        project.name(),
        registry,
        policy,
        name -> target(name, port, serving),
        Notifier.none(),
        listener,
        Clock.systemUTC());
  }

  private static String randomToken() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
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

  private ModelVersion register(Path model, String user, String trainingRun) {
    try {
      return registry.register(
          ModelVersion.draft(
              model.toUri().toString(),
              RegisterCommand.sha256(model),
              project.training().image(),
              RegisterCommand.configDigest(project),
              trainingRun,
              RunStores.finalMetrics(runs, trainingRun),
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
