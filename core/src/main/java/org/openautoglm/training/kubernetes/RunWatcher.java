package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows one run through two informers: the Job (by name) and the run's pods (by the run's
 * labels). An informer lists once, then watches; when a watch ends it reconnects, and when the
 * server answers 410 Gone (the resource version is too old) it lists again, so the caches stay
 * right without ever polling a pod.
 *
 * <p>Callers never react to single events: every change only wakes them, and they read the state
 * from the caches. A re-list that replaces the whole cache is therefore handled like any update.
 */
final class RunWatcher implements AutoCloseable {
  private final SharedIndexInformer<Job> jobs;
  private final SharedIndexInformer<Pod> pods;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Runnable onChange;

  RunWatcher(
      KubernetesClient client, String namespace, String jobName, String runId, Runnable onChange) {
    this.onChange = onChange;
    this.jobs =
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName).runnableInformer(0);
    this.pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(TrainingLabels.selector(runId))
            .runnableInformer(0);
    configure(jobs);
    configure(pods);
  }

  private <T> void configure(SharedIndexInformer<T> informer) {
    // fabric8 stops an informer on most watch errors; a training run outlives many API server
    // hiccups, so retry everything (with the informer's backoff) except a refusal.
    informer.exceptionHandler(
        (started, error) -> {
          if (isRefusal(error)) {
            failure.compareAndSet(null, error);
            onChange.run();
            return false;
          }
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T object) {
            onChange.run();
          }

          @Override
          public void onUpdate(T before, T after) {
            onChange.run();
          }

          @Override
          public void onDelete(T object, boolean finalStateUnknown) {
            onChange.run();
          }
        });
  }

  private static boolean isRefusal(Throwable error) {
    Throwable cause = error;
    while (cause != null) {
      if (cause instanceof KubernetesClientException kce
          && (kce.getCode() == 401 || kce.getCode() == 403)) {
        return true;
      }
      cause = cause.getCause();
    }
    return false;
  }

  /**
   * Starts both informers and waits until each has listed once.
   *
   * @throws KubernetesClientException when the first list fails or takes longer than {@code
   *     timeout}
   */
  void start(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      var jobsStarted = jobs.start().toCompletableFuture();
      var podsStarted = pods.start().toCompletableFuture();
      jobsStarted.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      podsStarted.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      close();
      throw KubernetesClientException.launderThrowable(e.getCause());
    } catch (TimeoutException e) {
      close();
      Throwable cause = failure.get();
      throw new KubernetesClientException(
          "the Job and its pods could not be listed within " + timeout.toSeconds() + " s", cause);
    }
  }

  /** The Job as last seen, or null when it is gone. */
  Job job() {
    List<Job> list = jobs.getStore().list();
    return list.isEmpty() ? null : list.get(0);
  }

  /** The run's pods as last seen. */
  List<Pod> pods() {
    return pods.getStore().list();
  }

  /** Why following stopped for good (the API server refused the watch), or null. */
  Throwable failure() {
    return failure.get();
  }

  @Override
  public void close() {
    jobs.stop();
    pods.stop();
  }
}
