package org.openautoglm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openautoglm.config.ConfigTarget;
import org.openautoglm.config.ConfigValidator;
import org.openautoglm.config.EnvironmentValues;
import org.openautoglm.config.ProjectValidation;
import org.openautoglm.config.ValidationReport;
import org.openautoglm.config.source.LoadLimits;
import org.openautoglm.config.values.Values;
import org.openautoglm.config.values.ValuesFiles;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.promotion.Promotions;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.ProjectStatus;
import org.openautoglm.status.RecordedPromotions;
import org.openautoglm.status.RunStore;

/**
 * What the {@code ui} server serves, without HTTP: the JSON models, and the actions behind the
 * dashboard's buttons with the policy applied. {@link DashboardServer} adds transport, tokens and
 * limits on top.
 */
final class DashboardBackend {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProjectDescriptor project;
  private final Registry registry;
  private final Policy policy;
  private final ProjectStatus status;
  private final RecordedPromotions recorded;
  private final Function<PromotionListener, Promotions> promotions;
  private final Clock clock;

  /**
   * @param policy the operator's policy with the project's rules applied
   * @param promotions the promotion service for a listener (the CLI's targets, or the demo's)
   */
  DashboardBackend(
      ProjectDescriptor project,
      Registry registry,
      RunStore runs,
      Policy policy,
      Function<PromotionListener, Promotions> promotions,
      PromotionListener log,
      Clock clock) {
    this.project = project;
    this.registry = registry;
    this.policy = policy;
    this.promotions = promotions;
    this.clock = clock;
    this.status =
        new ProjectStatus(
            project.name(),
            project.environments().stream().map(ProjectDescriptor.Environment::name).toList(),
            registry,
            runs);
    this.recorded =
        new RecordedPromotions(project.name(), registry, policy, runs, promotions, log, clock);
  }

  ProjectStatus status() {
    return status;
  }

  Policy policy() {
    return policy;
  }

  Clock clock() {
    return clock;
  }

  /** {@code POST /api/environments/{env}/rollback}. */
  ObjectNode rollback(Actor actor, String environment, String to, String reason) {
    requireEnvironment(environment);
    Duration timeout =
        project
            .environment(environment)
            .map(ProjectDescriptor.Environment::rollbackTimeout)
            .orElse(Duration.ofSeconds(300));
    RecordedPromotions.Recorded done;
    try {
      done = recorded.rollback(actor, environment, to, reason, timeout);
    } catch (IllegalArgumentException e) {
      // nothing verified to go back to, or an unknown snapshot: the environment's state decides
      throw new ApiException(409, e.getMessage());
    }
    ObjectNode node = outcome(done.result());
    node.put("run", done.run() == null ? null : done.run().id());
    node.put(
        "timeToRestoreMs",
        done.result().timeToRestore() == null ? null : done.result().timeToRestore().toMillis());
    return node;
  }

  /** {@code POST /api/approvals/{id}/approve} and {@code /reject}. */
  ObjectNode decide(Actor actor, String approvalId, boolean approve, String reason) {
    Optional<ApprovalRequest> request;
    try {
      request = status.approval(approvalId);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    ApprovalRequest found =
        request.orElseThrow(() -> ApiException.notFound("no approval request " + approvalId));
    if (found.state() != ApprovalRequest.State.OPEN) {
      throw new ApiException(
          409, "approval request " + approvalId + " is " + found.state().json() + ", not open");
    }
    Promotions service = promotions.apply(PromotionListener.NONE);
    PromotionResult result =
        approve
            ? service.approve(actor, found.environment(), found.id(), reason)
            : service.reject(actor, found.environment(), found.id(), reason);
    return outcome(result);
  }

  /**
   * {@code POST /api/validate}: checks a posted config as the project's file of that name, for one
   * environment or all, without touching anything on disk but a temporary copy.
   */
  ObjectNode validate(String file, String content, String environment) {
    ConfigTarget target =
        ProjectValidation.targets(project).stream()
            .filter(
                t -> t.displayName().equals(file) || project.display(file).equals(t.displayName()))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "the project has no config '"
                            + file
                            + "'; its configs: "
                            + String.join(
                                ", ",
                                ProjectValidation.targets(project).stream()
                                    .map(ConfigTarget::displayName)
                                    .toList())));
    if (environment != null) {
      requireEnvironment(environment);
    }
    Path directory = null;
    try {
      directory = Files.createTempDirectory("autoglm-validate-");
      Path copy = directory.resolve(target.file().getFileName());
      Files.writeString(copy, content);
      List<EnvironmentValues> environments =
          ProjectValidation.environments(
              project, environment, Values.empty(), new ValuesFiles(LoadLimits.DEFAULT));
      ValidationReport report =
          new ConfigValidator(LoadLimits.DEFAULT)
              .validate(
                  List.of(
                      new ConfigTarget(
                          copy, target.displayName(), target.schema(), target.schemaDisplayName())),
                  environments,
                  project.mayDiffer(),
                  environment == null);
      return JsonReport.tree(report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the posted config to a temporary file", e);
    } finally {
      deleteQuietly(directory);
    }
  }

  /** Refuses an environment the project does not have: 404, naming those it has. */
  void requireEnvironment(String environment) {
    try {
      status.requireEnvironment(environment);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(e.getMessage());
    }
  }

  private ObjectNode outcome(PromotionResult result) {
    if (result.outcome() == PromotionOutcome.DENIED) {
      throw new ApiException(403, result.message());
    }
    if (result.outcome() == PromotionOutcome.CONFLICT) {
      throw new ApiException(409, result.message());
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
    node.put("message", result.message());
    node.put("requestId", result.requestId());
    return node;
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      List<Path> all = new ArrayList<>(files.toList());
      all.sort(Comparator.reverseOrder());
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }
}
