package org.openautoglm.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openautoglm.status.StatusFixtures.T0;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run records on disk: round trip, paging, unreadable records, locking and atomic writes. */
class RunStoreTest {
  @TempDir Path dir;

  private Path runs;
  private RunStore store;

  @BeforeEach
  void openStore() {
    runs = dir.resolve(".autoglm").resolve("runs");
    store = RunStore.open(runs);
  }

  @Test
  void shouldCreateItsDirectory() {
    assertThat(runs).isDirectory();
    assertThat(store.directory()).isEqualTo(runs);
  }

  @Test
  void shouldRefuseADirectoryThatIsAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

    assertThatThrownBy(() -> RunStore.open(file.resolve("runs")))
        .isInstanceOf(RunStoreException.class)
        .hasMessageStartingWith("cannot create the run store " + file.resolve("runs"));
  }

  @Test
  void shouldReadBackEveryFieldOfWhatItStored() {
    RunRecord run = StatusFixtures.full(T0);

    assertThat(store.create(run)).isSameAs(run);
    RunRecord read = store.find(run.id()).orElseThrow();

    assertThat(read).isEqualTo(run);
    assertThat(read.id()).isEqualTo(run.id());
    assertThat(read.project()).isEqualTo("sentiment");
    assertThat(read.kind()).isEqualTo(RunKind.PROMOTION);
    assertThat(read.title()).isEqualTo("promote v3 to dev");
    assertThat(read.state()).isEqualTo(RunState.TRAINING);
    assertThat(read.actor()).isEqualTo("bob");
    assertThat(read.environment()).isEqualTo("dev");
    assertThat(read.version()).isEqualTo(3);
    assertThat(read.parent()).isEqualTo("20261204-120000-abc123");
    assertThat(read.approval()).isEqualTo("dev:4");
    assertThat(read.message()).isEqualTo("checking configs");
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read.updatedAt()).isEqualTo(T0.plusSeconds(4));
    assertThat(read.phases()).isEqualTo(run.phases()).hasSize(3);
    assertThat(read.phases().get(2).end()).isNull();
    assertThat(read.ranks())
        .containsExactly(
            new RunRank(0, "RUNNING", null, null), new RunRank(1, "FAILED", 3, "OOM killed"));
    assertThat(read.metrics()).containsOnlyKeys("loss", "accuracy");
    assertThat(read.metrics().get("loss").get(0).get(0)).isEqualTo(new MetricPoint(0, 2.5));
    assertThat(read.metrics().get("loss").get(0).get(1).step()).isEqualTo(1);
    assertThat(read.metrics().get("loss").get(0).get(1).value()).isNaN();
    assertThat(read.metrics().get("loss").get(1)).containsExactly(new MetricPoint(0, 2.25));
    assertThat(read.metrics().get("accuracy").get(0)).containsExactly(new MetricPoint(10, 0.75));
  }

  @Test
  void shouldStoreNonFiniteValuesAsNullAndReadThemAsNaN() throws IOException {
    RunRecord run =
        StatusFixtures.pending(T0)
            .withTraining(
                List.of(),
                Map.of(
                    "loss",
                    Map.of(
                        0,
                        List.of(
                            new MetricPoint(1, Double.NaN),
                            new MetricPoint(2, Double.POSITIVE_INFINITY),
                            new MetricPoint(3, 0.125)))),
                T0);
    store.create(run);

    assertThat(store.raw(run.id())).contains("\"ranks\":{\"0\":[[1,null],[2,null],[3,0.125]]}");
    List<MetricPoint> points = store.find(run.id()).orElseThrow().metrics().get("loss").get(0);
    assertThat(points).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L);
    assertThat(points.get(0).value()).isNaN();
    assertThat(points.get(1).value()).isNaN();
    assertThat(points.get(2).value()).isEqualTo(0.125);
  }

  @Test
  void shouldRefuseToCreateARunTwiceAndKeepTheFirst() throws IOException {
    RunRecord run = StatusFixtures.pending(T0);
    store.create(run);
    byte[] before = Files.readAllBytes(file(run.id()));

    RunRecord other = run.withMessage("a second one with the same id", T0.plusSeconds(1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.create(other))
        .withMessage("run " + run.id() + " exists already");
    assertThat(Files.readAllBytes(file(run.id()))).isEqualTo(before);
    assertThat(store.find(run.id())).contains(run);
  }

  @Test
  void shouldUpdateARunAndReturnWhatItWrote() {
    RunRecord run = store.create(StatusFixtures.pending(T0));

    RunRecord updated =
        store.update(run.id(), r -> r.moveTo(RunState.TRAINING, "ci", "go", T0.plusSeconds(5)));

    assertThat(updated.state()).isEqualTo(RunState.TRAINING);
    assertThat(store.find(run.id())).contains(updated);
  }

  @Test
  void shouldRefuseToUpdateAMissingRun() {
    String id = RunIds.next(T0);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.update(id, r -> r.withMessage("x", T0)))
        .withMessage("no run " + id);
    assertThat(file(id)).doesNotExist();
    assertThat(tmpFiles()).isEmpty();
  }

  @Test
  void shouldWriteNothingWhenAnUpdateMakesAnIllegalMove() throws IOException {
    RunRecord run =
        store.create(
            StatusFixtures.pending(T0)
                .moveTo(RunState.FAILED, "ci", "bad config", T0.plusSeconds(1)));
    byte[] before = Files.readAllBytes(file(run.id()));

    assertThatThrownBy(
            () ->
                store.update(
                    run.id(),
                    r ->
                        r.withMessage("changed first", T0.plusSeconds(2))
                            .moveTo(RunState.TRAINING, "ci", "retry", T0.plusSeconds(2))))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("run " + run.id() + " is FAILED (finished) and cannot become TRAINING");

    assertThat(Files.readAllBytes(file(run.id()))).isEqualTo(before);
    assertThat(store.find(run.id())).contains(run);
    assertThat(tmpFiles()).isEmpty();
    // the lock was released: the store still takes updates
    assertThat(store.update(run.id(), r -> r.withMessage("ok", T0.plusSeconds(3))).message())
        .isEqualTo("ok");
  }

  @Test
  void shouldRefuseAnUpdateThatChangesTheId() throws IOException {
    RunRecord run = store.create(StatusFixtures.pending(T0));
    RunRecord other = StatusFixtures.pending(T0.plusSeconds(1));
    byte[] before = Files.readAllBytes(file(run.id()));

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.update(run.id(), r -> other))
        .withMessage("a run's id cannot change");
    assertThat(Files.readAllBytes(file(run.id()))).isEqualTo(before);
    assertThat(file(other.id())).doesNotExist();
  }

  @Test
  void shouldPageNewestFirst() {
    List<RunRecord> created = createRuns(7);

    RunPage first = store.page(3, 0);
    assertThat(first.total()).isEqualTo(7);
    assertThat(first.limit()).isEqualTo(3);
    assertThat(first.offset()).isZero();
    assertThat(first.runs()).containsExactly(created.get(6), created.get(5), created.get(4));
    assertThat(first.unreadable()).isEmpty();

    RunPage second = store.page(3, 3);
    assertThat(second.runs()).containsExactly(created.get(3), created.get(2), created.get(1));
    assertThat(second.offset()).isEqualTo(3);

    RunPage last = store.page(3, 6);
    assertThat(last.runs()).containsExactly(created.get(0));
    assertThat(last.total()).isEqualTo(7);

    assertThat(store.page(3, 7).runs()).isEmpty();
    assertThat(store.page(3, 100).runs()).isEmpty();
    assertThat(store.page(3, 100).total()).isEqualTo(7);
    assertThat(store.page(0, 0).runs()).isEmpty();
    assertThat(store.page(0, 0).total()).isEqualTo(7);
    assertThat(store.page(100, 0).runs()).hasSize(7);
  }

  @Test
  void shouldPageAnEmptyStore() {
    RunPage page = store.page(20, 0);

    assertThat(page.total()).isZero();
    assertThat(page.runs()).isEmpty();
    assertThat(page.unreadable()).isEmpty();
  }

  @Test
  void shouldCapThePageAtTheMostOnePageMayHold() {
    createRuns(RunSource.MAX_PAGE + 5);

    RunPage page = store.page(10_000, 0);

    assertThat(page.limit()).isEqualTo(RunSource.MAX_PAGE);
    assertThat(page.runs()).hasSize(RunSource.MAX_PAGE);
    assertThat(page.total()).isEqualTo(RunSource.MAX_PAGE + 5);
    assertThat(store.page(RunSource.MAX_PAGE + 1, 0).limit()).isEqualTo(RunSource.MAX_PAGE);
    assertThat(store.page(10_000, RunSource.MAX_PAGE).runs()).hasSize(5);
  }

  @Test
  void shouldRefuseNegativeLimitsAndOffsets() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.page(-1, 0))
        .withMessage("limit and offset must not be negative");
    assertThatIllegalArgumentException().isThrownBy(() -> store.page(10, -1));
  }

  @Test
  void shouldNameAnUnreadableRecordWithoutHidingItOrFailingThePage() throws IOException {
    List<RunRecord> created = createRuns(3);
    String corrupt = RunIds.next(T0.plusSeconds(10));
    Files.writeString(file(corrupt), "{\"id\": \"" + corrupt + "\", \"kind\": ");
    String wrongKind = RunIds.next(T0.plusSeconds(11));
    Files.writeString(file(wrongKind), "{\"id\": \"" + wrongKind + "\", \"kind\": \"teleport\"}");

    RunPage page = store.page(10, 0);

    assertThat(page.total()).isEqualTo(5);
    assertThat(page.unreadable()).containsExactly(wrongKind, corrupt);
    assertThat(page.runs()).containsExactly(created.get(2), created.get(1), created.get(0));
    // an unreadable record takes its place on the page
    RunPage two = store.page(2, 0);
    assertThat(two.unreadable()).containsExactly(wrongKind, corrupt);
    assertThat(two.runs()).isEmpty();
    assertThat(store.page(2, 2).runs()).containsExactly(created.get(2), created.get(1));

    assertThatThrownBy(() -> store.find(corrupt))
        .isInstanceOf(RunStoreException.class)
        .hasMessageStartingWith("cannot read the run record " + file(corrupt));
  }

  @Test
  void shouldIgnoreFilesWhoseNamesAreNotRunIds() throws IOException {
    List<RunRecord> created = createRuns(2);
    String id = created.get(0).id();
    Files.writeString(runs.resolve("notes.json"), "{}");
    Files.writeString(runs.resolve(id.toUpperCase(java.util.Locale.ROOT) + "X.json"), "{}");
    Files.writeString(runs.resolve(id + ".json.bak"), "{}");
    Files.writeString(runs.resolve(id), "{}");
    Files.writeString(runs.resolve("." + id + ".tmp"), "half a rec");
    Files.createDirectories(runs.resolve("20261204-182349-zzzzzz.json.d"));

    RunPage page = store.page(10, 0);

    assertThat(page.total()).isEqualTo(2);
    assertThat(page.runs()).containsExactly(created.get(1), created.get(0));
    assertThat(page.unreadable()).isEmpty();
    assertThat(store.find("notes")).isEmpty();
  }

  @Test
  void shouldNotFindRunsOutsideItsDirectory() throws IOException {
    RunStore other = RunStore.open(dir.resolve("other"));
    RunRecord outside = other.create(StatusFixtures.pending(T0));
    Files.copy(other.directory().resolve(outside.id() + ".json"), dir.resolve("x.json"));

    assertThat(store.find("../other/" + outside.id())).isEmpty();
    assertThat(store.find("../x")).isEmpty();
    assertThat(store.find("..")).isEmpty();
    assertThat(store.find(outside.id() + "/../" + outside.id())).isEmpty();
    assertThat(store.find("/" + outside.id())).isEmpty();
    assertThat(store.find(null)).isEmpty();
    assertThat(store.find("")).isEmpty();
    // the same id is found where it is
    assertThat(other.find(outside.id())).contains(outside);
    assertThat(store.find(outside.id())).isEmpty();
  }

  @Test
  void shouldFindTheNewestMatchingRunAmongTheNewest() throws IOException {
    List<RunRecord> created = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RunRecord run =
          StatusFixtures.pending(T0.plusSeconds(i)).concerning(i % 2 == 0 ? "dev" : "prod", i);
      created.add(store.create(run));
    }
    Files.writeString(file(RunIds.next(T0.plusSeconds(100))), "not json");

    assertThat(store.latest(run -> "dev".equals(run.environment()), 10)).contains(created.get(4));
    assertThat(store.latest(run -> "prod".equals(run.environment()), 10)).contains(created.get(5));
    // only the newest 3 ids (the unreadable one among them) are scanned
    assertThat(store.latest(run -> run.version() == 1, 3)).isEmpty();
    assertThat(store.latest(run -> run.version() == 4, 3)).contains(created.get(4));
    assertThat(store.latest(run -> true, 0)).isEmpty();
  }

  @Test
  void shouldLeaveNoTemporaryFilesBehind() {
    RunRecord run = store.create(StatusFixtures.pending(T0));
    for (int i = 0; i < 20; i++) {
      int n = i;
      store.update(run.id(), r -> r.withMessage("update " + n, T0.plusSeconds(n)));
    }

    assertThat(tmpFiles()).isEmpty();
    assertThat(store.find(run.id()).orElseThrow().message()).isEqualTo("update 19");
  }

  @Test
  void shouldNeverShowAReaderHalfARecord() throws Exception {
    RunRecord run = store.create(StatusFixtures.pending(T0));
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> reader =
          threads.submit(
              () -> {
                int reads = 0;
                int seen = 0;
                while (!done.get()) {
                  int ranks = store.find(run.id()).orElseThrow().ranks().size();
                  assertThat(ranks).isGreaterThanOrEqualTo(seen);
                  seen = ranks;
                  reads++;
                }
                return reads;
              });
      Future<?> writer =
          threads.submit(
              () -> {
                try {
                  for (int i = 0; i < 150; i++) {
                    store.update(run.id(), r -> withRank(r, r.ranks().size(), "x".repeat(200)));
                  }
                } finally {
                  done.set(true);
                }
                return null;
              });
      writer.get(60, TimeUnit.SECONDS);
      assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
    } finally {
      threads.shutdownNow();
    }
    assertThat(store.find(run.id()).orElseThrow().ranks()).hasSize(150);
  }

  @Test
  void shouldLoseNoUpdateFromTwoThreadsAndTwoStoresOnOneDirectory() throws Exception {
    RunStore second = RunStore.open(runs.getParent().resolve("..").resolve(".autoglm/runs"));
    assertConcurrentAppendsAllLand(List.of(store, store, second, second), 50);
  }

  @Test
  void shouldLoseNoUpdateFromStoresOpenedThroughASymbolicLink() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("runs-link"), runs);
    RunStore viaLink = RunStore.open(link);
    assertConcurrentAppendsAllLand(List.of(store, viaLink), 100);
  }

  @Test
  void shouldLoseNoUpdateFromAnotherProcess() throws Exception {
    RunRecord run = store.create(StatusFixtures.pending(T0));
    Path go = dir.resolve("go");
    int count = 60;
    List<Process> processes = new ArrayList<>();
    for (int base : new int[] {10_000, 20_000}) {
      processes.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  RunStoreWriterMain.class.getName(),
                  runs.toString(),
                  run.id(),
                  Integer.toString(base),
                  Integer.toString(count),
                  go.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("writer-" + base + ".log").toFile())
              .start());
    }
    try {
      // let the JVMs start, then everyone writes at once
      Thread.sleep(300);
      Files.writeString(go, "go");
      for (int i = 0; i < count; i++) {
        int rank = i;
        store.update(run.id(), r -> withRank(r, rank, "here"));
      }
      for (Process process : processes) {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("writer finished").isTrue();
        assertThat(process.exitValue()).as(() -> output(process)).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    List<Integer> ranks =
        store.find(run.id()).orElseThrow().ranks().stream().map(RunRank::rank).toList();
    assertThat(ranks).hasSize(3 * count).doesNotHaveDuplicates();
    assertThat(ranks)
        .containsAll(IntStream.range(0, count).boxed().toList())
        .containsAll(IntStream.range(10_000, 10_000 + count).boxed().toList())
        .containsAll(IntStream.range(20_000, 20_000 + count).boxed().toList());
    assertThat(tmpFiles()).isEmpty();
  }

  private String output(Process process) {
    try (Stream<Path> logs = Files.list(dir)) {
      StringBuilder text = new StringBuilder("pid " + process.pid() + "; ");
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        text.append(log.getFileName()).append(": ").append(Files.readString(log)).append("; ");
      }
      return text.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Each store in {@code writers} appends {@code count} ranks from its own thread, all at once. */
  private void assertConcurrentAppendsAllLand(List<RunStore> writers, int count) throws Exception {
    RunRecord run = store.create(StatusFixtures.pending(T0));
    ExecutorService threads = Executors.newFixedThreadPool(writers.size());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Void>> done = new ArrayList<>();
    try {
      for (int w = 0; w < writers.size(); w++) {
        RunStore writer = writers.get(w);
        int base = w * 1_000;
        Callable<Void> work =
            () -> {
              start.await();
              for (int i = 0; i < count; i++) {
                int rank = base + i;
                writer.update(run.id(), r -> withRank(r, rank, "thread " + base));
              }
              return null;
            };
        done.add(threads.submit(work));
      }
      start.countDown();
      for (Future<Void> future : done) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    List<Integer> ranks =
        store.find(run.id()).orElseThrow().ranks().stream().map(RunRank::rank).toList();
    List<Integer> expected = new ArrayList<>();
    for (int w = 0; w < writers.size(); w++) {
      for (int i = 0; i < count; i++) {
        expected.add(w * 1_000 + i);
      }
    }
    assertThat(ranks).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(tmpFiles()).isEmpty();
  }

  static RunRecord withRank(RunRecord run, int rank, String reason) {
    List<RunRank> ranks = new ArrayList<>(run.ranks());
    ranks.add(new RunRank(rank, "RUNNING", null, reason));
    return run.withTraining(ranks, run.metrics(), Instant.now());
  }

  private List<RunRecord> createRuns(int count) {
    List<RunRecord> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      created.add(store.create(StatusFixtures.pending(T0.plusSeconds(i)).withMessage("n" + i, T0)));
    }
    return created;
  }

  private Path file(String id) {
    return runs.resolve(id + ".json");
  }

  private List<Path> tmpFiles() {
    try (Stream<Path> files = Files.list(runs)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shouldReadTheRawBytesItWrote() throws IOException {
    RunRecord run = store.create(StatusFixtures.pending(T0));

    assertThat(store.raw(run.id()))
        .isEqualTo(Files.readString(file(run.id()), StandardCharsets.UTF_8))
        .startsWith("{\"id\":\"" + run.id() + "\"");
    assertThat(Optional.ofNullable(store.find(run.id()).orElse(null))).contains(run);
  }
}
