package org.openautoglm.training.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.openautoglm.training.TrainingListener;

/**
 * Streams the training container's log of every pod, one follow request per pod, each line to a
 * {@link LineSink} with the pod's rank.
 *
 * <p>Memory is bounded: one reader per pod with a fixed buffer, and lines longer than {@link
 * #MAX_LINE_CHARS} are cut (the same limit as the local launcher). Nothing is kept after a line is
 * handed on.
 *
 * <p>The API server may end a follow request while the container still runs (idle timeouts,
 * restarts of the API server or kubelet). The log is read with timestamps, so the streamer asks
 * again from the last line's time and drops the lines it has already passed on.
 */
final class PodLogStreamer implements AutoCloseable {
  /** Longest line passed on; longer lines are cut so that one rank cannot exhaust memory. */
  static final int MAX_LINE_CHARS = TrainingListener.MAX_LINE_CHARS;

  /** Room for the {@code 2024-01-01T00:00:00.123456789Z } prefix the API server adds. */
  private static final int TIMESTAMP_ROOM = 40;

  private static final long FIRST_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final long CONNECT_TIMEOUT_SECONDS = 60;

  /** Receives lines; called from the streamer's threads. */
  interface LineSink {
    void line(int rank, String line);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String container;
  private final LineSink sink;
  private final Predicate<String> podEnded;
  private final Instant since;
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param container the training container, or {@code null} for the pod's only container
   * @param podEnded whether a pod (by name) has ended or is gone: its stream then stops at the end
   *     of the log instead of asking again
   * @param since skip lines before this instant (after a re-attach, what was printed before), or
   *     {@code null} for the whole log
   */
  PodLogStreamer(
      KubernetesClient client,
      String namespace,
      String container,
      LineSink sink,
      Predicate<String> podEnded,
      Instant since) {
    this.client = client;
    this.namespace = namespace;
    this.container = container;
    this.sink = sink;
    this.podEnded = podEnded;
    this.since = since;
  }

  /** Starts following a pod's log unless it is followed already. */
  void follow(String pod, int rank) {
    if (closed) {
      return;
    }
    streams.computeIfAbsent(
        pod,
        name -> {
          Stream stream = new Stream(name, rank);
          stream.thread.start();
          return stream;
        });
  }

  /**
   * Tells a pod's stream that the pod has ended: a stream waiting to ask again asks at once, reads
   * the last lines and stops.
   */
  void ended(String pod) {
    Stream stream = streams.get(pod);
    if (stream != null) {
      stream.nudge();
    }
  }

  /**
   * Waits until the streams of these pods have read their logs to the end, at most {@code timeout}.
   */
  void awaitEnd(List<String> pods, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String pod : pods) {
      Stream stream = streams.get(pod);
      long left = deadline - System.nanoTime();
      if (stream != null && left > 0) {
        stream.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Stops every stream and waits briefly for its thread. */
  @Override
  public void close() {
    closed = true;
    List<Stream> all = new ArrayList<>(streams.values());
    all.forEach(Stream::stop);
    for (Stream stream : all) {
      try {
        stream.thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One pod's log, read by one thread. */
  private final class Stream {
    private final String pod;
    private final int rank;
    private final Thread thread;
    private volatile InputStream body;
    private volatile boolean stopped;
    private final Object pause = new Object();
    private boolean nudged;
    private Instant last;

    Stream(String pod, int rank) {
      this.pod = pod;
      this.rank = rank;
      this.last = since;
      this.thread = new Thread(this::run, "autoglm-log-" + pod);
      thread.setDaemon(true);
    }

    void nudge() {
      synchronized (pause) {
        nudged = true;
        pause.notifyAll();
      }
    }

    /** Waits before asking again, unless nudged. */
    private void pause(long millis) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      synchronized (pause) {
        while (!nudged && !stopped) {
          long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
          if (left <= 0) {
            break;
          }
          pause.wait(left);
        }
        nudged = false;
      }
    }

    void stop() {
      stopped = true;
      nudge();
      InputStream current = body;
      if (current != null) {
        try {
          current.close();
        } catch (IOException e) {
          // closing only unblocks the reader; nothing to report
        }
      }
      thread.interrupt();
    }

    private void run() {
      long backoff = FIRST_BACKOFF_MILLIS;
      while (!stopped && !closed) {
        boolean progressed = false;
        try {
          progressed = readOnce();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) {
            return; // the pod is gone, and its log with it
          }
        } catch (IOException e) {
          // the connection broke: ask again below
        } catch (InterruptedException e) {
          return;
        }
        if (stopped || closed || podEnded.test(pod)) {
          return;
        }
        backoff = progressed ? FIRST_BACKOFF_MILLIS : Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        try {
          pause(backoff);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** One follow request read to its end; true when it passed on at least one line. */
    private boolean readOnce() throws IOException, InterruptedException {
      HttpClient http = client.getHttpClient();
      HttpRequest request = http.newHttpRequestBuilder().uri(url()).build();
      HttpResponse<InputStream> response;
      try {
        response =
            http.sendAsync(request, InputStream.class)
                .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw KubernetesClientException.launderThrowable(e.getCause());
      } catch (TimeoutException e) {
        throw new IOException(
            "no answer to the log request within " + CONNECT_TIMEOUT_SECONDS + " s");
      }
      try (InputStream in = new BufferedInputStream(response.body(), 8192)) {
        body = in;
        if (!response.isSuccessful()) {
          throw new KubernetesClientException(
              "reading the log of " + pod + " failed (HTTP " + response.code() + ")",
              response.code(),
              null);
        }
        if (stopped) {
          return false;
        }
        return readLines(in);
      } finally {
        body = null;
      }
    }

    private String url() {
      StringBuilder url =
          new StringBuilder(
              URLUtils.join(
                  client.getMasterUrl().toString(),
                  "api",
                  "v1",
                  "namespaces",
                  namespace,
                  "pods",
                  pod,
                  "log"));
      url.append("?follow=true&timestamps=true");
      if (container != null) {
        url.append("&container=").append(URLEncoder.encode(container, StandardCharsets.UTF_8));
      }
      if (last != null) {
        // the API server takes whole seconds; lines already passed on are skipped below
        url.append("&sinceTime=").append(last.truncatedTo(ChronoUnit.SECONDS));
      }
      return url.toString();
    }

    /**
     * Reads lines in bulk: a chunk at a time, scanning it for line breaks (a byte at a time through
     * a synchronized stream cost half the launcher's CPU at 64 ranks). {@code read} returns what
     * has arrived, so a line is passed on as soon as its break does.
     */
    private boolean readLines(InputStream in) throws IOException {
      int limit = MAX_LINE_CHARS + TIMESTAMP_ROOM;
      byte[] chunk = new byte[8192];
      byte[] line = new byte[256];
      int length = 0;
      boolean progressed = false;
      int read;
      while ((read = in.read(chunk)) >= 0) {
        int start = 0;
        for (int i = 0; i < read; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          line = append(line, length, chunk, start, i - start, limit);
          length = Math.min(limit, length + i - start);
          progressed |= emit(line, length);
          length = 0;
          start = i + 1;
        }
        line = append(line, length, chunk, start, read - start, limit);
        length = Math.min(limit, length + read - start);
      }
      if (length > 0) {
        progressed |= emit(line, length);
      }
      return progressed;
    }

    /** Appends up to what fits under {@code limit}; longer lines are cut. */
    private static byte[] append(
        byte[] line, int length, byte[] chunk, int from, int count, int limit) {
      int take = Math.min(count, limit - length);
      if (take <= 0) {
        return line;
      }
      byte[] target = line;
      if (length + take > line.length) {
        target =
            java.util.Arrays.copyOf(
                line, Math.min(limit, Math.max(line.length * 2, length + take)));
      }
      System.arraycopy(chunk, from, target, length, take);
      return target;
    }

    private boolean emit(byte[] bytes, int length) {
      String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      int space = text.indexOf(' ');
      Instant time = null;
      if (space > 0) {
        try {
          time = Instant.parse(text.substring(0, space));
          text = text.substring(space + 1);
        } catch (DateTimeParseException e) {
          time = null;
        }
      }
      if (time != null) {
        if (last != null && !time.isAfter(last)) {
          return false; // passed on before the stream was opened again
        }
        last = time;
      }
      if (text.length() > MAX_LINE_CHARS) {
        text = text.substring(0, MAX_LINE_CHARS);
      }
      sink.line(rank, text);
      return true;
    }
  }
}
