package io.jenkins.plugins.autoglm;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.registry.Registry;
import org.openautoglm.status.ProjectStatus;
import org.openautoglm.status.RunIds;
import org.openautoglm.status.RunRecord;
import org.openautoglm.status.RunSource;
import org.openautoglm.status.RunStore;

/**
 * The AutoGLM page of a build ({@code job/NAME/42/autoglm/}): opens the dashboard on the job's
 * AutoGLM page at this build's run (phases, ranks, metrics and, for a promotion waiting for
 * approval, Approve and Reject). {@code api/json} lists the build's runs; {@code run?id=} gives one
 * run in the dashboard's JSON model; {@code approve} and {@code reject} stay for scripts.
 */
@ExportedBean
public final class AutoglmRunAction implements Action {
  private final Run<?, ?> run;

  AutoglmRunAction(Run<?, ?> run) {
    this.run = run;
  }

  @Override
  public String getIconFileName() {
    return "symbol-analytics";
  }

  @Override
  public String getDisplayName() {
    return Messages.AutoglmRunAction_DisplayName();
  }

  @Override
  public String getUrlName() {
    return "autoglm";
  }

  public Run<?, ?> getRun() {
    return run;
  }

  public Api getApi() {
    return new Api(this);
  }

  /** The build's runs, newest first (at most a page: a build rarely has more than a few). */
  @Exported(inline = true)
  public List<RunView> getRuns() {
    List<RunView> views = new ArrayList<>();
    for (RunRecord record : BuildRecords.store(run).page(RunSource.MAX_PAGE, 0).runs()) {
      views.add(new RunView(record));
    }
    return views;
  }

  /**
   * Redirects to the dashboard at {@code #/runs/<id>}: the run {@code id} if it is one of this
   * build's, else the build's newest run. 404 when the job has no AutoGLM page (its last build did
   * not use AutoGLM).
   */
  @GET
  public void doIndex(@QueryParameter String id, StaplerRequest2 request, StaplerResponse2 response)
      throws IOException {
    run.checkPermission(Item.READ);
    Job<?, ?> job = run.getParent();
    if (job.getAction(AutoglmProjectAction.class) == null) {
      response.sendError(404, Messages.AutoglmRunAction_NoProjectPage());
      return;
    }
    RunStore store = BuildRecords.store(run);
    String shown = null;
    if (RunIds.valid(id) && store.find(id).isPresent()) {
      shown = id;
    } else {
      List<RunRecord> newest = store.page(1, 0).runs();
      if (!newest.isEmpty()) {
        shown = newest.get(0).id();
      }
    }
    response.sendRedirect2(
        request.getContextPath()
            + "/"
            + job.getUrl()
            + AutoglmProjectAction.URL_NAME
            + "/"
            + (shown == null ? "" : "#/runs/" + Util.rawEncode(shown)));
  }

  /** {@code GET run?id=}: one run with its phases, ranks and metrics. */
  @GET
  public void doRun(@QueryParameter String id, StaplerResponse2 response) throws IOException {
    run.checkPermission(Item.READ);
    RecordedProject recorded = run.getAction(RecordedProject.class);
    Optional<RunRecord> found = BuildRecords.store(run).find(id);
    if (found.isEmpty() || recorded == null) {
      JsonResponses.send(response, 404, JsonResponses.message("NOT_FOUND", "no run " + id));
      return;
    }
    ProjectDescriptor project = recorded.source().load();
    try (Registry registry = Registries.open(project.name(), TaskListener.NULL)) {
      List<String> environments = new ArrayList<>();
      project.environments().forEach(environment -> environments.add(environment.name()));
      ProjectStatus status =
          new ProjectStatus(
              project.name(), environments, registry, new BuildRunSource(run.getParent()));
      JsonResponses.send(response, 200, status.run(id, Instant.now()).orElseThrow());
    }
  }

  /** {@code POST approve} with {@code env}, {@code request} and optional {@code reason}. */
  @RequirePOST
  public void doApprove(
      @QueryParameter String env,
      @QueryParameter String request,
      @QueryParameter String reason,
      StaplerResponse2 response)
      throws IOException {
    decide(env, request, reason, true, response);
  }

  /** {@code POST reject} with {@code env}, {@code request} and optional {@code reason}. */
  @RequirePOST
  public void doReject(
      @QueryParameter String env,
      @QueryParameter String request,
      @QueryParameter String reason,
      StaplerResponse2 response)
      throws IOException {
    decide(env, request, reason, false, response);
  }

  private void decide(
      String env, String request, String reason, boolean approve, StaplerResponse2 response)
      throws IOException {
    Job<?, ?> job = run.getParent();
    job.checkPermission(AutoglmPermissions.APPROVE);
    RecordedProject recorded = run.getAction(RecordedProject.class);
    if (recorded == null || env == null || request == null) {
      JsonResponses.send(
          response, 400, JsonResponses.message("USAGE", Messages.AutoglmRunAction_Usage()));
      return;
    }
    ProjectDescriptor project = recorded.source().load();
    Actor actor = Actors.current();
    String why = reason == null || reason.isBlank() ? null : reason.trim();
    PromotionResult result;
    try (PromotionService service =
        PromotionService.forItem(project, recorded.source(), job, TaskListener.NULL, line -> {})) {
      result =
          approve
              ? service.promotions().approve(actor, env, request, why)
              : service.promotions().reject(actor, env, request, why);
    } catch (IllegalArgumentException e) {
      JsonResponses.send(response, 400, JsonResponses.message("USAGE", e.getMessage()));
      return;
    }
    int status =
        switch (result.outcome()) {
          case DONE -> 200;
          case DENIED -> 403;
          case CONFLICT -> 409;
          default -> 500;
        };
    if (approve && status == 200) {
      PromoteExecution.wake(env);
    }
    JsonResponses.send(
        response, status, JsonResponses.message(result.outcome().name(), result.message()));
  }

  /** One run in {@code api/json}. */
  @ExportedBean(defaultVisibility = 2)
  public static final class RunView {
    private final RunRecord record;

    RunView(RunRecord record) {
      this.record = record;
    }

    @Exported
    public String getId() {
      return record.id();
    }

    @Exported
    public String getKind() {
      return record.kind().json();
    }

    @Exported
    public String getTitle() {
      return record.title();
    }

    @Exported
    public String getState() {
      return record.state().json();
    }

    @Exported
    public String getEnvironment() {
      return record.environment();
    }

    @Exported
    public Integer getVersion() {
      return record.version();
    }

    @Exported
    public String getApproval() {
      return record.approval();
    }

    @Exported
    public String getMessage() {
      return record.message();
    }

    @Exported
    public int getRanks() {
      return record.ranks().size();
    }

    /** The request id of the approval this run waits for, or {@code null}. */
    public String getPendingRequest() {
      if (record.approval() == null
          || record.state() != org.openautoglm.status.RunState.AWAITING_APPROVAL) {
        return null;
      }
      return record.approval().substring(record.approval().indexOf(':') + 1);
    }
  }

  /** Shows the page on builds that recorded AutoGLM runs. */
  @Extension
  public static final class Factory extends TransientActionFactory<Run> {
    @Override
    public Class<Run> type() {
      return Run.class;
    }

    @NonNull
    @Override
    public Collection<? extends Action> createFor(@NonNull Run target) {
      if (!Files.isDirectory(BuildRecords.directory(target))) {
        return List.of();
      }
      return List.of(new AutoglmRunAction((Run<?, ?>) target));
    }
  }
}
