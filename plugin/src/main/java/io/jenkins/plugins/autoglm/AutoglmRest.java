package io.jenkins.plugins.autoglm;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hudson.AbortException;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.Permission;
import hudson.util.LogTaskListener;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.kohsuke.stapler.verb.GET;
import org.openautoglm.config.source.ConfigException;
import org.openautoglm.policy.Actor;
import org.openautoglm.policy.Policy;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.ProjectRules;
import org.openautoglm.promotion.PromotionListener;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.registry.ApprovalRequest;
import org.openautoglm.registry.Registry;
import org.openautoglm.registry.RegistryException;
import org.openautoglm.status.ProjectStatus;
import org.openautoglm.status.RunSource;
import org.openautoglm.status.RunStoreException;
import org.springframework.security.access.AccessDeniedException;

/**
 * The dashboard's REST API on a job, at {@code job/NAME/autoglm/rest/}: the paths and JSON of the
 * CLI's {@code autoglm ui} server (docs/dashboard.md), built by the same core models, with Jenkins
 * in front of it. Every GET needs Job/Read; every POST needs its AutoGLM permission on the job,
 * then the AutoGLM policy, and Jenkins' CSRF crumb unless it comes with an API token (Jenkins'
 * crumb filter sees to that before Stapler dispatches). Errors are {@code {"error": "..."}} with
 * 400, 403, 404, 405, 409, 413, 415 or 500.
 *
 * <pre>
 * GET  project                          GET  runs?limit=&amp;offset=      GET runs/{id}
 * GET  session                          GET  environments/{env}/history?limit=&amp;offset=
 * POST environments/{env}/rollback      {"to": digest or null, "reason": "..."}
 * POST approvals/{env:id}/approve       {"reason": "..." or null}     (and reject)
 * </pre>
 */
public final class AutoglmRest {
  private static final Logger LOGGER = Logger.getLogger(AutoglmRest.class.getName());

  /** Largest request body accepted: a reason, not a file. */
  static final int MAX_BODY = 64 * 1024;

  private final Job<?, ?> job;
  private final RecordedProject recorded;

  AutoglmRest(Job<?, ?> job, RecordedProject recorded) {
    this.job = job;
    this.recorded = recorded;
  }

  /** {@code GET project}: environments, recent runs and the trend. */
  @GET
  public void doProject(StaplerResponse2 response) throws IOException {
    answer(response, Item.READ, () -> read((project, status) -> status.project(Instant.now())));
  }

  /** {@code GET session}: who is looking and which buttons would work for them. */
  @GET
  public void doSession(StaplerResponse2 response) throws IOException {
    answer(response, Item.READ, () -> read(this::session));
  }

  /** {@code GET runs?limit=&offset=}, newest first, and {@code GET runs/{id}}. */
  @GET
  public void doRuns(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
    String rest = request.getRestOfPath();
    answer(
        response,
        Item.READ,
        () -> {
          if (rest.isEmpty()) {
            int limit = number(request, "limit", 20, 1, RunSource.MAX_PAGE);
            int offset = number(request, "offset", 0, 0, Integer.MAX_VALUE);
            return read((project, status) -> status.runs(limit, offset, Instant.now()));
          }
          String id = rest.substring(1);
          if (id.contains("/")) {
            throw notFound(request);
          }
          return read(
              (project, status) ->
                  status
                      .run(id, Instant.now())
                      .orElseThrow(() -> new Failure(404, "no run " + id)));
        });
  }

  /** {@code environments/{env}/...}. */
  public EnvironmentApi getEnvironments(String name) {
    return new EnvironmentApi(name);
  }

  /** {@code approvals/{env:id}/...}. */
  public ApprovalApi getApprovals(String id) {
    return new ApprovalApi(id);
  }

  /** Anything else: a JSON 404 (or 405 for a known path with the wrong method). */
  public void doDynamic(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
    unknown(request, response, Set.of("project", "session", "runs"));
  }

  /** One environment's endpoints. */
  public final class EnvironmentApi {
    private final String name;

    EnvironmentApi(String name) {
      this.name = name;
    }

    /** {@code GET environments/{env}/history?limit=&offset=}: newest first. */
    @GET
    public void doHistory(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      answer(
          response,
          Item.READ,
          () -> {
            int limit = number(request, "limit", 20, 1, RunSource.MAX_PAGE);
            int offset = number(request, "offset", 0, 0, Integer.MAX_VALUE);
            return read(
                (project, status) -> {
                  requireEnvironment(status, name);
                  return status.history(name, limit, offset);
                });
          });
    }

    /**
     * {@code POST environments/{env}/rollback} with {@code {"to": ..., "reason": ...}}: rolls back
     * as the current user and answers when the environment is verified again or the rollback
     * failed, within the environment's time budget.
     */
    @RequirePOST
    public void doRollback(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      answer(response, AutoglmPermissions.ROLLBACK, () -> rollback(name, body(request)));
    }

    public void doDynamic(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      unknown(request, response, Set.of("history"));
    }
  }

  /** One approval request's endpoints. */
  public final class ApprovalApi {
    private final String id;

    ApprovalApi(String id) {
      this.id = id;
    }

    /** {@code POST approvals/{env:id}/approve} with {@code {"reason": ...}}. */
    @RequirePOST
    public void doApprove(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      answer(response, AutoglmPermissions.APPROVE, () -> decide(id, true, body(request)));
    }

    /** {@code POST approvals/{env:id}/reject} with {@code {"reason": ...}}. */
    @RequirePOST
    public void doReject(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      answer(response, AutoglmPermissions.APPROVE, () -> decide(id, false, body(request)));
    }

    public void doDynamic(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
      unknown(request, response, Set.of());
    }
  }

  // ---------------------------------------------------------------- the models

  /**
   * What the current user may do: the policy (global, with the project's rules) for each
   * environment and open request, and false wherever the Jenkins permission, the first gate, is
   * missing.
   */
  ObjectNode session(ProjectDescriptor project, ProjectStatus status) {
    Actor actor = ACL.isAnonymous2(Jenkins.getAuthentication2()) ? null : Actors.current();
    ObjectNode node = status.session(actor, policy(project));
    boolean rollback = job.hasPermission(AutoglmPermissions.ROLLBACK);
    boolean promote = job.hasPermission(AutoglmPermissions.PROMOTE);
    for (JsonNode may : node.path("environments")) {
      if (may instanceof ObjectNode rights) {
        if (!rollback) {
          rights.put("rollback", false);
        }
        if (!promote) {
          rights.put("promote", false);
        }
      }
    }
    if (!job.hasPermission(AutoglmPermissions.APPROVE)
        && node.get("approvals") instanceof ObjectNode approvals) {
      List<String> ids = new ArrayList<>();
      approvals.properties().forEach(entry -> ids.add(entry.getKey()));
      ids.forEach(id -> approvals.put(id, false));
    }
    return node;
  }

  private JsonNode rollback(String environment, JsonNode body) throws IOException {
    String to = optionalText(body, "to");
    String reason = requiredText(body, "reason");
    ProjectDescriptor project = recorded.source().load();
    ProjectDescriptor.Environment target =
        project.environment(environment).orElseThrow(() -> noEnvironment(project, environment));
    try {
      PromotionService.requireDeployable(project, environment, null);
    } catch (AbortException e) {
      throw new Failure(409, e.getMessage());
    }
    Actor actor = Actors.current();
    Duration budget = target.rollbackTimeout();
    TaskListener log = new LogTaskListener(LOGGER, Level.INFO);
    try (PromotionService service =
        PromotionService.forItem(project, recorded.source(), job, log, new BuildLog(log))) {
      PromotionResult result;
      try {
        result = service.promotions().rollback(actor, environment, to, reason, budget);
      } catch (IllegalArgumentException e) {
        // nothing verified to go back to, or not a snapshot verified there: the state decides
        throw new Failure(409, e.getMessage());
      }
      String message = result.message();
      LOGGER.info(() -> "rollback of " + environment + " by " + actor.user() + ": " + message);
      ObjectNode node = outcome(result);
      // a rollback from the page belongs to no build, so it has no run record
      node.putNull("run");
      node.put(
          "timeToRestoreMs",
          result.timeToRestore() == null ? null : result.timeToRestore().toMillis());
      return node;
    }
  }

  private JsonNode decide(String id, boolean approve, JsonNode body) throws IOException {
    String reason = optionalText(body, "reason");
    ProjectDescriptor project = recorded.source().load();
    Actor actor = Actors.current();
    try (PromotionService service =
        PromotionService.forItem(
            project, recorded.source(), job, TaskListener.NULL, PromotionListener.NONE)) {
      ProjectStatus status = status(project, service.registry());
      ApprovalRequest found;
      try {
        found =
            status.approval(id).orElseThrow(() -> new Failure(404, "no approval request " + id));
      } catch (IllegalArgumentException e) {
        throw new Failure(400, e.getMessage());
      }
      if (found.state() != ApprovalRequest.State.OPEN) {
        throw new Failure(
            409, "approval request " + id + " is " + found.state().json() + ", not open");
      }
      PromotionResult result =
          approve
              ? service.promotions().approve(actor, found.environment(), found.id(), reason)
              : service.promotions().reject(actor, found.environment(), found.id(), reason);
      ObjectNode node = outcome(result);
      if (approve) {
        PromoteExecution.wake(found.environment());
      }
      return node;
    }
  }

  /** A core result as the CLI server answers it; a refusal or a conflict is an error. */
  private static ObjectNode outcome(PromotionResult result) {
    if (result.outcome() == PromotionOutcome.DENIED) {
      throw new Failure(403, result.message());
    }
    if (result.outcome() == PromotionOutcome.CONFLICT) {
      throw new Failure(409, result.message());
    }
    ObjectNode node = JsonResponses.JSON.createObjectNode();
    node.put("outcome", result.outcome().name().toLowerCase(Locale.ROOT));
    node.put("message", result.message());
    node.put("requestId", result.requestId());
    return node;
  }

  Policy policy(ProjectDescriptor project) {
    return AutoglmConfiguration.get().policy().withProjectRules(ProjectRules.of(project));
  }

  ProjectStatus status(ProjectDescriptor project, Registry registry) {
    List<String> environments = new ArrayList<>();
    project.environments().forEach(environment -> environments.add(environment.name()));
    return new ProjectStatus(project.name(), environments, registry, new BuildRunSource(job));
  }

  /** Runs {@code model} over the project's status, with its registry open for the call. */
  JsonNode read(Model model) throws IOException {
    ProjectDescriptor project = recorded.source().load();
    try (Registry registry = Registries.open(project.name(), TaskListener.NULL)) {
      return model.apply(project, status(project, registry));
    }
  }

  @FunctionalInterface
  interface Model {
    JsonNode apply(ProjectDescriptor project, ProjectStatus status) throws IOException;
  }

  // ---------------------------------------------------------------- HTTP

  @FunctionalInterface
  private interface Call {
    JsonNode call() throws IOException;
  }

  /** An answer with an HTTP status: {@code {"error": message}}. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Failure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** Checks {@code permission} on the job, runs {@code call}, and answers with JSON either way. */
  private void answer(StaplerResponse2 response, Permission permission, Call call)
      throws IOException {
    if (!job.hasPermission(permission)) {
      JsonResponses.send(
          response,
          403,
          JsonResponses.error(
              Messages.Authorization_Denied(
                  Jenkins.getAuthentication2().getName(),
                  permission.group.title + "/" + permission.name,
                  job.getFullName())));
      return;
    }
    int status;
    JsonNode body;
    try {
      body = call.call();
      status = 200;
    } catch (Failure e) {
      status = e.status;
      body = JsonResponses.error(e.getMessage());
    } catch (IllegalArgumentException | ConfigException e) {
      status = 400;
      body = JsonResponses.error(e.getMessage());
    } catch (AccessDeniedException e) {
      status = 403;
      body = JsonResponses.error(e.getMessage());
    } catch (IOException | RegistryException | RunStoreException e) {
      // the recorded descriptor, the registry or a build's run records cannot be read
      status = 500;
      body = JsonResponses.error(e.getMessage());
    } catch (RuntimeException e) {
      LOGGER.log(Level.WARNING, "AutoGLM API call on " + job.getFullName() + " failed", e);
      status = 500;
      body = JsonResponses.error("internal error: " + e);
    }
    JsonResponses.send(response, status, body);
  }

  private static void unknown(
      StaplerRequest2 request, StaplerResponse2 response, Set<String> getOnly) throws IOException {
    String rest = request.getRestOfPath();
    String first = rest.isEmpty() ? "" : rest.substring(1).split("/", 2)[0];
    if (getOnly.contains(first) && !request.getMethod().equals("GET")) {
      response.setHeader("Allow", "GET");
      JsonResponses.send(
          response,
          405,
          JsonResponses.error(request.getMethod() + " is not allowed; this endpoint answers GET"));
      return;
    }
    JsonResponses.send(response, 404, JsonResponses.error(notFound(request).getMessage()));
  }

  private static Failure notFound(StaplerRequest2 request) {
    return new Failure(404, "no API endpoint " + request.getRequestURI() + "; see docs/jenkins.md");
  }

  private static Failure noEnvironment(ProjectDescriptor project, String environment) {
    List<String> names = new ArrayList<>();
    project.environments().forEach(e -> names.add(e.name()));
    return new Failure(
        404,
        "the project has no environment '"
            + environment
            + "'; its environments: "
            + String.join(", ", names));
  }

  private static void requireEnvironment(ProjectStatus status, String environment) {
    try {
      status.requireEnvironment(environment);
    } catch (IllegalArgumentException e) {
      throw new Failure(404, e.getMessage());
    }
  }

  private static int number(StaplerRequest2 request, String name, int fallback, int min, int max) {
    String text = request.getParameter(name);
    if (text == null) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new Failure(400, name + " must be a whole number; got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new Failure(400, name + " must be between " + min + " and " + max + "; got " + value);
    }
    return value;
  }

  /** The request's JSON object; like the CLI server, only {@code application/json}. */
  private static JsonNode body(StaplerRequest2 request) throws IOException {
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new Failure(415, "send the body as Content-Type: application/json");
    }
    if (request.getContentLengthLong() > MAX_BODY) {
      throw tooLarge();
    }
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      // one byte past the limit: a body without Content-Length is cut off there
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw tooLarge();
    }
    JsonNode body;
    try {
      body = JsonResponses.JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new Failure(
          400,
          "the body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ": "
              + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw new Failure(400, "the body must be a JSON object");
    }
    return body;
  }

  private static Failure tooLarge() {
    return new Failure(413, "the body is larger than " + MAX_BODY + " bytes");
  }

  private static String requiredText(JsonNode body, String field) {
    String text = optionalText(body, field);
    if (text == null || text.isBlank()) {
      throw new Failure(400, "/" + field + " is required (a non-empty string)");
    }
    return text;
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Failure(400, "/" + field + " must be a string or null");
    }
    return node.asText();
  }
}
