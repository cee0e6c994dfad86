package org.openautoglm.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openautoglm.training.Metric;

/**
 * Collects a run's metric series while it trains, with bounded memory: each series (one metric of
 * one rank) keeps at most {@value #MAX_POINTS} points. When a series is full, every other point is
 * dropped and from then on only every second sample is kept (then every fourth, …), so a long run
 * keeps its whole curve at an even, coarser resolution instead of only its beginning or its end.
 * Thread-safe: launchers report from several threads.
 */
public final class MetricBuffer {
  /** Most points kept per metric and rank. */
  public static final int MAX_POINTS = 2_000;

  private final Map<String, Map<Integer, Series>> series = new LinkedHashMap<>();
  private final int maxPoints;

  public MetricBuffer() {
    this(MAX_POINTS);
  }

  MetricBuffer(int maxPoints) {
    if (maxPoints < 2) {
      throw new IllegalArgumentException("maxPoints must be at least 2");
    }
    this.maxPoints = maxPoints;
  }

  /** Starts from series already recorded (a resumed run). */
  public static MetricBuffer of(Map<String, Map<Integer, List<MetricPoint>>> recorded) {
    MetricBuffer buffer = new MetricBuffer();
    recorded.forEach(
        (name, ranks) ->
            ranks.forEach(
                (rank, points) ->
                    points.forEach(point -> buffer.add(name, rank, point.step(), point.value()))));
    return buffer;
  }

  public void add(Metric metric) {
    add(metric.name(), metric.rank(), metric.step(), metric.value());
  }

  public synchronized void add(String name, int rank, long step, double value) {
    series
        .computeIfAbsent(name, key -> new TreeMap<>())
        .computeIfAbsent(rank, key -> new Series())
        .add(new MetricPoint(step, value), maxPoints);
  }

  /** A copy of the series: metric name → rank → points in the order reported. */
  public synchronized Map<String, Map<Integer, List<MetricPoint>>> snapshot() {
    Map<String, Map<Integer, List<MetricPoint>>> copy = new LinkedHashMap<>();
    series.forEach(
        (name, ranks) -> {
          Map<Integer, List<MetricPoint>> byRank = new TreeMap<>();
          ranks.forEach((rank, points) -> byRank.put(rank, List.copyOf(points.points)));
          copy.put(name, byRank);
        });
    return copy;
  }

  private static final class Series {
    private final List<MetricPoint> points = new ArrayList<>();
    private long stride = 1;
    private long seen;

    void add(MetricPoint point, int maxPoints) {
      if (seen++ % stride != 0) {
        return;
      }
      points.add(point);
      if (points.size() > maxPoints) {
        // The newest point survives the halving only when its index is even (an even cap); when
        // it is dropped, the next sample to keep is one old stride further on.
        boolean newestKept = (points.size() - 1) % 2 == 0;
        List<MetricPoint> halved = new ArrayList<>(maxPoints / 2 + 1);
        for (int i = 0; i < points.size(); i += 2) {
          halved.add(points.get(i));
        }
        points.clear();
        points.addAll(halved);
        seen = newestKept ? 1 : stride + 1;
        stride *= 2;
      }
    }
  }
}
