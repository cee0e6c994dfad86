package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openautoglm.training.Metric;

/** Bounded metric series: all points under the cap, an even coarser curve over it. */
class MetricBufferTest {

  @Test
  void shouldRefuseACapBelowTwo() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new MetricBuffer(1))
        .withMessage("maxPoints must be at least 2");
    assertThat(new MetricBuffer(2).snapshot()).isEmpty();
  }

  @Test
  void shouldKeepEveryPointUpToTheCapInTheOrderReported() {
    MetricBuffer buffer = new MetricBuffer(10);
    for (int step = 0; step < 10; step++) {
      buffer.add("loss", 0, step * 5L, 1.0 / (step + 1));
    }

    List<MetricPoint> points = buffer.snapshot().get("loss").get(0);

    assertThat(points).hasSize(10);
    assertThat(points)
        .extracting(MetricPoint::step)
        .containsExactly(0L, 5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L, 45L);
    assertThat(points.get(3).value()).isEqualTo(0.25);
  }

  @Test
  void shouldHalveToEveryOtherPointWhenTheCapIsPassed() {
    MetricBuffer buffer = new MetricBuffer(10);
    for (long step = 0; step <= 10; step++) {
      buffer.add("loss", 0, step, step * 10.0);
    }

    assertThat(buffer.snapshot().get("loss").get(0))
        .containsExactly(
            new MetricPoint(0, 0),
            new MetricPoint(2, 20),
            new MetricPoint(4, 40),
            new MetricPoint(6, 60),
            new MetricPoint(8, 80),
            new MetricPoint(10, 100));
  }

  @Test
  void shouldKeepOnlyEverySecondSampleAfterHalving() {
    MetricBuffer buffer = new MetricBuffer(10);
    for (long step = 0; step <= 16; step++) {
      buffer.add("loss", 0, step, step);
    }

    assertThat(buffer.snapshot().get("loss").get(0))
        .extracting(MetricPoint::step)
        .containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L);
  }

  /**
   * After any number of samples, the series is the first sample and every {@code stride}-th after
   * it for one power-of-two stride, at most the cap and more than half of it, and reaches the
   * newest samples (no gap at the end wider than the stride).
   */
  @ParameterizedTest(name = "cap {0}, {1} samples")
  @CsvSource({
    "10, 11",
    "10, 37",
    "10, 1000",
    "16, 4097",
    "2, 9",
    "3, 4",
    "3, 50",
    "7, 100",
    "11, 1000",
    "2000, 2000",
    "2000, 2001",
    "2000, 100000"
  })
  void shouldKeepAnEvenlyStridedCurveFromTheFirstSample(int cap, int samples) {
    MetricBuffer buffer = new MetricBuffer(cap);
    for (long i = 0; i < samples; i++) {
      buffer.add("loss", 0, 100 + i * 3, i);
    }

    List<MetricPoint> points = buffer.snapshot().get("loss").get(0);
    List<Long> indices = points.stream().map(p -> (long) p.value()).toList();

    assertThat(points.get(0)).isEqualTo(new MetricPoint(100, 0));
    assertThat(points.size()).isLessThanOrEqualTo(cap);
    if (samples <= cap) {
      assertThat(indices).containsExactlyElementsOf(LongStream.range(0, samples).boxed().toList());
      return;
    }
    long stride = indices.get(1);
    assertThat(Long.bitCount(stride)).as("stride %d is a power of two", stride).isEqualTo(1);
    List<Long> expected = new ArrayList<>();
    for (int k = 0; k < points.size(); k++) {
      expected.add(k * stride);
    }
    assertThat(indices).as("evenly strided by %d", stride).containsExactlyElementsOf(expected);
    assertThat(points)
        .extracting(MetricPoint::step)
        .as("steps follow the samples")
        .containsExactlyElementsOf(indices.stream().map(i -> 100 + i * 3).toList());
    assertThat(points.size()).isGreaterThan(cap / 2);
    assertThat(samples - 1 - indices.get(indices.size() - 1))
        .as("the newest kept sample is within one stride of the newest sample")
        .isLessThan(stride);
  }

  @Test
  void shouldKeepEachRankAndEachMetricApart() {
    MetricBuffer buffer = new MetricBuffer(10);
    for (long step = 0; step < 25; step++) {
      buffer.add("loss", 0, step, 1.0);
    }
    for (long step = 0; step < 5; step++) {
      buffer.add("loss", 1, step, 2.0);
      buffer.add("accuracy", 0, step, 0.5);
    }

    Map<String, Map<Integer, List<MetricPoint>>> snapshot = buffer.snapshot();

    assertThat(snapshot).containsOnlyKeys("loss", "accuracy");
    assertThat(snapshot.keySet())
        .as("names in the order first reported")
        .containsExactly("loss", "accuracy");
    assertThat(snapshot.get("loss")).containsOnlyKeys(0, 1);
    assertThat(snapshot.get("loss").get(0))
        .hasSizeLessThanOrEqualTo(10)
        .allSatisfy(p -> assertThat(p.value()).isEqualTo(1.0));
    assertThat(snapshot.get("loss").get(1))
        .as("rank 1 was not thinned because rank 0 was")
        .extracting(MetricPoint::step)
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(snapshot.get("loss").get(1)).allSatisfy(p -> assertThat(p.value()).isEqualTo(2.0));
    assertThat(snapshot.get("accuracy").get(0)).hasSize(5);
  }

  @Test
  void shouldSortRanksInTheSnapshot() {
    MetricBuffer buffer = new MetricBuffer();
    buffer.add("loss", 3, 0, 1);
    buffer.add("loss", 0, 0, 1);
    buffer.add("loss", 2, 0, 1);

    assertThat(buffer.snapshot().get("loss").keySet()).containsExactly(0, 2, 3);
  }

  @Test
  void shouldHandOutACopyThatLaterSamplesDoNotChange() {
    MetricBuffer buffer = new MetricBuffer();
    buffer.add(new Metric("loss", 1, 0.5, 2, 1_000L));
    Map<String, Map<Integer, List<MetricPoint>>> before = buffer.snapshot();

    buffer.add("loss", 2, 2, 0.25);
    buffer.add("accuracy", 2, 2, 0.9);

    assertThat(before).containsOnlyKeys("loss");
    assertThat(before.get("loss").get(2)).containsExactly(new MetricPoint(1, 0.5));
    assertThatThrownBy(() -> before.get("loss").get(2).add(new MetricPoint(9, 9)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(buffer.snapshot().get("loss").get(2)).hasSize(2);
  }

  @Test
  void shouldStartFromRecordedSeries() {
    MetricBuffer buffer =
        MetricBuffer.of(
            Map.of(
                "loss",
                Map.of(
                    0, List.of(new MetricPoint(0, 1.0), new MetricPoint(1, Double.NaN)),
                    1, List.of(new MetricPoint(0, 3.0)))));
    buffer.add("loss", 0, 2, 0.5);

    Map<Integer, List<MetricPoint>> loss = buffer.snapshot().get("loss");
    assertThat(loss.get(0)).extracting(MetricPoint::step).containsExactly(0L, 1L, 2L);
    assertThat(loss.get(0).get(1).value()).isNaN();
    assertThat(loss.get(1)).containsExactly(new MetricPoint(0, 3.0));
  }

  @Test
  void shouldLoseNoSampleWhenSeveralThreadsAdd() throws Exception {
    int threads = 8;
    int perThread = 240;
    MetricBuffer buffer = new MetricBuffer();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int rank = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  buffer.add("loss", rank, i, rank);
                  buffer.add("shared", 99, (long) rank * perThread + i, rank);
                  buffer.add("metric-" + (i % 5), rank, i, i);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    Map<String, Map<Integer, List<MetricPoint>>> snapshot = buffer.snapshot();
    for (int rank = 0; rank < threads; rank++) {
      assertThat(snapshot.get("loss").get(rank))
          .extracting(MetricPoint::step)
          .containsExactlyElementsOf(LongStream.range(0, perThread).boxed().toList());
    }
    assertThat(snapshot.get("shared").get(99))
        .as("under the cap every sample of every thread is kept")
        .hasSize(threads * perThread)
        .extracting(MetricPoint::step)
        .doesNotHaveDuplicates();
    assertThat(snapshot).containsKeys("metric-0", "metric-4");
    assertThat(snapshot.get("metric-3")).hasSize(threads);
    snapshot.get("metric-3").values().forEach(points -> assertThat(points).hasSize(perThread / 5));
  }

  @Test
  void shouldKeepAsManyPointsUnderConcurrencyAsWhenAddedInTurn() throws Exception {
    int threads = 8;
    int perThread = 1_000;
    MetricBuffer concurrent = new MetricBuffer(100);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  concurrent.add("loss", 0, i, 1.0);
                }
              }));
    }
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    MetricBuffer inTurn = new MetricBuffer(100);
    for (int i = 0; i < threads * perThread; i++) {
      inTurn.add("loss", 0, i, 1.0);
    }

    assertThat(concurrent.snapshot().get("loss").get(0))
        .hasSameSizeAs(inTurn.snapshot().get("loss").get(0));
  }
}
