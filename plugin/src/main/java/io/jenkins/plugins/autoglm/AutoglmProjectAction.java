package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.LogTaskListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.kohsuke.stapler.verb.GET;
import org.openautoglm.policy.Actor;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.registry.EnvironmentState;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.ProjectStatus;

/**
 * The AutoGLM page of a job ({@code job/NAME/autoglm/}): the dashboard app of {@code autoglm ui}
 * (environments, history, runs, Rollback, Approve and Reject), its files under {@code assets/}, and
 * the REST API it reads under {@code rest/} ({@link AutoglmRest}, the CLI server's paths and JSON).
 * The older endpoints ({@code project}, {@code runs}, {@code history}, {@code session}, {@code
 * rollback}) stay for scripts; {@code api/json} gives a summary the Jenkins way.
 */
@ExportedBean
public final class AutoglmProjectAction implements Action {
  private static final Logger LOGGER = Logger.getLogger(AutoglmProjectAction.class.getName());

  static final String URL_NAME = "autoglm";

  /** Where the dashboard's REST API is, relative to the page. */
  static final String REST = "rest";

  private final Job<?, ?> job;
  private final RecordedProject recorded;

  AutoglmProjectAction(Job<?, ?> job, RecordedProject recorded) {
    this.job = job;
    this.recorded = recorded;
  }

  @Override
  public String getIconFileName() {
    return "symbol-analytics";
  }

  @Override
  public String getDisplayName() {
    return Messages.AutoglmProjectAction_DisplayName();
  }

  @Override
  public String getUrlName() {
    return URL_NAME;
  }

  public Job<?, ?> getJob() {
    return job;
  }

  public Api getApi() {
    return new Api(this);
  }

  /** The dashboard app, reading {@code rest/} as the signed-in Jenkins user. */
  @GET
  public void doIndex(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
    job.checkPermission(Item.READ);
    DashboardPage.index(request, response, REST);
  }

  /** {@code assets/app.js}, {@code assets/app.css}, {@code assets/echarts.min.js}. */
  @GET
  public void doAssets(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
    job.checkPermission(Item.READ);
    DashboardPage.asset(request, response);
  }

  /** {@code rest/...}: the dashboard's REST API. */
  public AutoglmRest getRest() {
    return new AutoglmRest(job, recorded);
  }

  @Exported
  public String getProject() {
    return recorded.getProject();
  }

  /** Every environment of the project with what is deployed there (one registry read each). */
  @Exported(inline = true)
  public List<EnvironmentView> getEnvironments() throws IOException {
    job.checkPermission(Item.READ);
    List<EnvironmentView> views = new ArrayList<>();
    ProjectDescriptor project = recorded.source().load();
    try (Registry registry = Registries.open(project.name(), TaskListener.NULL)) {
      for (ProjectDescriptor.Environment environment : project.environments()) {
        views.add(new EnvironmentView(registry.state(environment.name())));
      }
    }
    return views;
  }

  /** {@code GET project}: environments, versions and recent runs, as the dashboard reads them. */
  @GET
  public void doProject(StaplerResponse2 response) throws IOException {
    job.checkPermission(Item.READ);
    try (Registry registry = openRegistry()) {
      JsonResponses.send(response, 200, status(registry).project(Instant.now()));
    }
  }

  /** {@code GET runs?limit=&offset=}: the runs of the job's builds, newest first. */
  @GET
  public void doRuns(
      @QueryParameter int limit, @QueryParameter int offset, StaplerResponse2 response)
      throws IOException {
    job.checkPermission(Item.READ);
    try (Registry registry = openRegistry()) {
      JsonResponses.send(
          response,
          200,
          status(registry)
              .runs(JsonResponses.bounded(limit, 20, 200), Math.max(0, offset), Instant.now()));
    }
  }

  /** {@code GET history?env=&limit=&offset=}: an environment's audit trail, newest first. */
  @GET
  public void doHistory(
      @QueryParameter String env,
      @QueryParameter int limit,
      @QueryParameter int offset,
      StaplerResponse2 response)
      throws IOException {
    job.checkPermission(Item.READ);
    try (Registry registry = openRegistry()) {
      JsonResponses.send(
          response,
          200,
          status(registry)
              .history(env, JsonResponses.bounded(limit, 20, 200), Math.max(0, offset)));
    } catch (IllegalArgumentException e) {
      JsonResponses.send(response, 400, JsonResponses.message("USAGE", e.getMessage()));
    }
  }

  /**
   * {@code GET session}: who is looking and what they may do (the Jenkins permission and the policy
   * with the project's rules), as {@code rest/session}.
   */
  @GET
  public void doSession(StaplerResponse2 response) throws IOException {
    job.checkPermission(Item.READ);
    AutoglmRest rest = getRest();
    JsonResponses.send(response, 200, rest.read(rest::session));
  }

  /**
   * {@code POST rollback} with {@code env}, optional {@code to} and {@code reason}: starts a
   * rollback as the current user (Jenkins permission first, then the AutoGLM policy) and answers
   * 202 at once; the outcome lands in the environment's history within its time budget.
   */
  @RequirePOST
  public void doRollback(
      @QueryParameter String env,
      @QueryParameter String to,
      @QueryParameter String reason,
      StaplerResponse2 response)
      throws IOException {
    job.checkPermission(AutoglmPermissions.ROLLBACK);
    ProjectDescriptor project = recorded.source().load();
    if (env == null || project.environment(env).isEmpty()) {
      JsonResponses.send(
          response,
          400,
          JsonResponses.message("USAGE", Messages.PromotionService_NoEnvironment(env)));
      return;
    }
    try {
      PromotionService.requireDeployable(project, env, null);
    } catch (AbortException e) {
      JsonResponses.send(response, 409, JsonResponses.message("NEEDS_AGENT", e.getMessage()));
      return;
    }
    Actor actor = Actors.current();
    Duration budget =
        project.environment(env).map(ProjectDescriptor.Environment::rollbackTimeout).orElseThrow();
    ProjectSource source = recorded.source();
    StepThreads.submit(
        Jenkins.getAuthentication2(),
        () -> {
          TaskListener log = new LogTaskListener(LOGGER, Level.INFO);
          try (PromotionService service =
              PromotionService.forItem(project, source, job, log, new BuildLog(log))) {
            String message =
                service
                    .promotions()
                    .rollback(actor, env, emptyToNull(to), emptyToNull(reason), budget)
                    .message();
            LOGGER.info(() -> "rollback of " + env + " by " + actor.user() + ": " + message);
          } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "rollback of " + env + " failed", e);
          }
        });
    JsonResponses.send(
        response,
        202,
        JsonResponses.message("STARTED", Messages.AutoglmProjectAction_RollbackStarted(env)));
  }

  private static String emptyToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }

  private Registry openRegistry() throws IOException {
    return Registries.open(recorded.source().load().name(), TaskListener.NULL);
  }

  private ProjectStatus status(Registry registry) throws IOException {
    return getRest().status(recorded.source().load(), registry);
  }

  /** One environment in {@code api/json}. */
  @ExportedBean(defaultVisibility = 2)
  public static final class EnvironmentView {
    private final EnvironmentState state;

    EnvironmentView(EnvironmentState state) {
      this.state = state;
    }

    @Exported
    public String getName() {
      return state.environment();
    }

    @Exported
    public Integer getVersion() {
      return state.version();
    }

    @Exported
    public String getSnapshot() {
      return state.snapshot();
    }

    @Exported
    public boolean isVerified() {
      return state.verified();
    }

    @Exported
    public String getDeployedBy() {
      return state.by();
    }

    @Exported
    public String getSince() {
      return state.since() == null ? null : state.since().toString();
    }

    @Exported
    public int getPendingApprovals() {
      return state.pendingApprovals().size();
    }
  }

  /** Shows the page on jobs whose last build used AutoGLM. */
  @Extension
  public static final class Factory extends TransientActionFactory<Job> {
    @Override
    public Class<Job> type() {
      return Job.class;
    }

    @NonNull
    @Override
    public Collection<? extends Action> createFor(@NonNull Job target) {
      Run<?, ?> last = target.getLastBuild();
      RecordedProject recorded = last == null ? null : last.getAction(RecordedProject.class);
      if (recorded == null || recorded.getProject() == null) {
        return List.of();
      }
      return List.of(new AutoglmProjectAction((Job<?, ?>) target, recorded));
    }
  }
}
