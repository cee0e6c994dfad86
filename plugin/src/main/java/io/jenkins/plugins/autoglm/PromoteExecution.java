package io.jenkins.plugins.autoglm;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.Serializable;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.openautoglm.policy.Actor;
import org.openautoglm.project.ProjectDescriptor;
import org.openautoglm.promotion.PromotionOutcome;
import org.openautoglm.promotion.PromotionResult;
import org.openautoglm.status.RunKind;
import org.openautoglm.status.RunRecorder;
import org.openautoglm.status.RunState;
import org.openautoglm.status.RunStore;
import org.springframework.security.core.Authentication;

/**
 * A promotion that may wait for approvals for a day: each attempt runs on a worker thread, and
 * while approvals are missing nothing runs at all, a timer schedules the next look. The state is a
 * few strings and numbers, so a restart resumes the wait; asking core again is safe because an open
 * request is found, not opened twice.
 */
final class PromoteExecution extends StepExecution {
  private static final long serialVersionUID = 1L;

  /** What the step asked for. */
  record Request(
      String project,
      String environment,
      int version,
      String reason,
      boolean waitForApproval,
      long approvalTimeoutMillis,
      long pollMillis,
      KubernetesConnections.Target kubernetes)
      implements Serializable {}

  private final Request request;
  private long deadline;
  private String recordId;
  private String requestId;
  private volatile boolean finished;

  private transient volatile Future<?> attempt;
  private transient volatile ScheduledFuture<?> nextLook;
  private transient Authentication startedAs;

  PromoteExecution(StepContext context, Request request) {
    super(context);
    this.request = request;
  }

  @Override
  public boolean start() {
    deadline = System.currentTimeMillis() + request.approvalTimeoutMillis();
    startedAs = Jenkins.getAuthentication2();
    attempt = StepThreads.submit(startedAs, this::attempt);
    return false;
  }

  @Override
  public void onResume() {
    if (!finished) {
      attempt = StepThreads.submit(null, this::attempt);
    }
  }

  /** Looks again now: someone approved on the page or through REST. */
  void lookAgain() {
    ScheduledFuture<?> scheduled = nextLook;
    if (scheduled != null && scheduled.cancel(false)) {
      attempt = StepThreads.submit(startedAs, this::attempt);
    }
  }

  String environment() {
    return request.environment();
  }

  @Override
  public void stop(Throwable cause) throws Exception {
    finished = true;
    ScheduledFuture<?> scheduled = nextLook;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    Future<?> running = attempt;
    if (running != null) {
      running.cancel(true); // deployers stop what they started when interrupted
    }
    getContext().onFailure(cause);
  }

  @Override
  public String getStatus() {
    if (requestId != null && !finished) {
      return "waiting for approval of request "
          + requestId
          + " to promote v"
          + request.version()
          + " to "
          + request.environment();
    }
    return finished
        ? "finished"
        : "promoting v" + request.version() + " to " + request.environment();
  }

  private synchronized void attempt() {
    if (finished) {
      return;
    }
    StepContext context = getContext();
    try {
      Run<?, ?> run = context.get(Run.class);
      TaskListener listener = context.get(TaskListener.class);
      FilePath workspace = context.get(FilePath.class);
      Launcher launcher = workspace == null ? null : context.get(Launcher.class);
      EnvVars environment = workspace == null ? null : context.get(EnvVars.class);
      Authorization.require(run, AutoglmPermissions.PROMOTE);
      Actor actor = Actors.ofBuild(run);
      ProjectSource source = ProjectSource.find(run, workspace, request.project());
      ProjectDescriptor project = source.load();
      PromotionService.Agent agent =
          workspace == null || launcher == null
              ? null
              : new PromotionService.Agent(workspace, launcher, environment);
      PromotionService.requireDeployable(project, request.environment(), agent);
      RunStore store = BuildRecords.store(run);
      RunRecorder recorder;
      if (recordId == null) {
        recorder =
            RunRecorder.start(
                store,
                project.name(),
                RunKind.PROMOTION,
                "promote v" + request.version() + " to " + request.environment(),
                actor.user(),
                Clock.systemUTC());
        recorder.concerning(request.environment(), request.version());
        recordId = recorder.id();
        context.saveState();
      } else {
        recorder = RunRecorder.resume(store, recordId, Clock.systemUTC());
      }
      BuildLog log = new BuildLog(listener);
      PromotionResult result;
      try (PromotionService service =
          PromotionService.forBuild(
              project,
              source,
              agent,
              request.kubernetes(),
              run,
              listener,
              recorder.promotion(actor.user(), log))) {
        result =
            service
                .promotions()
                .promote(actor, request.environment(), request.version(), request.reason());
      } catch (IllegalArgumentException | IllegalStateException e) {
        // an unknown version or environment: the record says so, the step fails
        recorder.moveIfAllowed(RunState.FAILED, actor.user(), e.getMessage());
        throw new AbortException(e.getMessage());
      }
      recorder.promoted(result, request.version(), actor.user());
      if (result.outcome() == PromotionOutcome.WAITING_FOR_APPROVAL
          && request.waitForApproval()
          && System.currentTimeMillis() < deadline) {
        if (!result.requestId().equals(requestId)) {
          requestId = result.requestId();
          log.log(result.message() + "; waiting for approval of request " + requestId);
          log.log(Messages.PromoteStep_HowToApprove(request.environment(), requestId));
          context.saveState();
        }
        nextLook =
            Timer.get()
                .schedule(
                    () -> {
                      attempt = StepThreads.submit(startedAs, this::attempt);
                    },
                    request.pollMillis(),
                    TimeUnit.MILLISECONDS);
        return;
      }
      finish(result, log);
    } catch (Exception e) {
      finished = true;
      context.onFailure(e);
    }
  }

  private void finish(PromotionResult result, BuildLog log) throws AbortException {
    finished = true;
    log.log(result.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + result.message());
    switch (result.outcome()) {
      case DONE:
        getContext().onSuccess(result(result));
        return;
      case WAITING_FOR_APPROVAL:
        if (!request.waitForApproval()) {
          getContext().onSuccess(result(result));
          return;
        }
        throw new AbortException(
            Messages.PromoteStep_ApprovalTimedOut(result.requestId(), request.environment()));
      default:
        throw new AbortException(result.message());
    }
  }

  private Map<String, Object> result(PromotionResult result) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("outcome", result.outcome().name());
    map.put("message", result.message());
    map.put("environment", request.environment());
    map.put("version", request.version());
    map.put("requestId", result.requestId());
    map.put("snapshot", result.state() == null ? null : result.state().snapshot());
    map.put("verified", result.state() != null && result.state().verified());
    map.put("runId", recordId);
    return map;
  }

  /**
   * Wakes the promotions waiting to enter {@code environment} (after an approval on a page): a
   * needless look costs one registry read.
   */
  static void wake(String environment) {
    StepExecution.acceptAll(
        PromoteExecution.class,
        execution -> {
          if (execution.request.environment().equals(environment)) {
            execution.lookAgain();
          }
        });
  }
}
