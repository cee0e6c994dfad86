package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registering model versions: numbering, storage, validation, and the repository itself. */
class ModelVersionRegistrationTest {
  private static final Instant NOW = Instant.parse("2025-06-01T09:30:00Z");

  @TempDir Path work;

  @Test
  void shouldCreateABareRepositoryWhereNoneExists() {
    Path location = work.resolve(".autoglm/registry.git");

    try (Registry registry = Registry.open(location)) {
      assertThat(registry.versions()).isEmpty();
    }

    assertThat(location.resolve("HEAD")).isRegularFile();
    assertThat(location.resolve("objects")).isDirectory();
    assertThat(work.resolve(".autoglm")).isDirectoryNotContaining("glob:**/.registry.git*");
  }

  @Test
  void shouldCreateTheRepositoryInAnEmptyDirectory() throws Exception {
    Path location = Files.createDirectories(work.resolve("registry.git"));

    try (Registry registry = Registry.open(location)) {
      registry.register(Fixtures.draft("alice"));
    }
    try (Registry reopened = Registry.open(location)) {
      assertThat(reopened.versions()).hasSize(1);
    }
  }

  @Test
  void shouldRefuseADirectoryThatIsNotARepository() throws Exception {
    Path notARepository = Files.createDirectories(work.resolve("docs"));
    Files.writeString(notARepository.resolve("README"), "hello");

    assertThatThrownBy(() -> Registry.open(notARepository))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("exists but is not a Git repository");
  }

  @Test
  void shouldNumberVersionsFromOneInRegistrationOrder() {
    try (Registry registry = open()) {
      ModelVersion first = registry.register(Fixtures.draft("alice"));
      ModelVersion second = registry.register(Fixtures.draft("bob"));
      ModelVersion third = registry.register(Fixtures.draft("alice"));

      assertThat(List.of(first.number(), second.number(), third.number())).containsExactly(1, 2, 3);
      assertThat(registry.versions()).extracting(ModelVersion::number).containsExactly(1, 2, 3);
    }
  }

  @Test
  void shouldKeepEveryFieldOfAVersionAcrossReopening() {
    ModelVersion draft =
        ModelVersion.draft(
            "s3://models/churn/42/model.pt",
            "SHA256:" + Fixtures.sha256("weights").toUpperCase(),
            "registry.example.com/churn-serve:2.1",
            "sha256:" + Fixtures.sha256("config"),
            "run-42",
            Map.of("loss", 0.125, "auc", 0.93),
            "3f2a9c1",
            "alice");
    ModelVersion registered;
    try (Registry registry = open()) {
      registered = registry.register(draft);
    }

    try (Registry reopened = open()) {
      ModelVersion read = reopened.version(1).orElseThrow();
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(read).isEqualTo(registered);
      soft.assertThat(read.number()).isEqualTo(1);
      soft.assertThat(read.sha256()).isEqualTo(Fixtures.sha256("weights"));
      soft.assertThat(read.metrics())
          .containsExactly(Map.entry("auc", 0.93), Map.entry("loss", 0.125));
      soft.assertThat(read.createdAt()).isEqualTo(NOW);
      soft.assertThat(read.createdBy()).isEqualTo("alice");
      soft.assertThat(reopened.version(2)).isEmpty();
      soft.assertThat(reopened.version(0)).isEmpty();
      soft.assertAll();
    }
  }

  @Test
  void shouldRecordTheRegistrationAsACommitByTheUser() throws Exception {
    try (Registry registry = open()) {
      registry.register(Fixtures.draft("alice"));

      Repository repository = registry.store().repository();
      try (RevWalk walk = new RevWalk(repository)) {
        RevCommit commit = walk.parseCommit(repository.resolve(VersionCatalog.REF));
        assertThat(commit.getAuthorIdent().getName()).isEqualTo("alice");
        assertThat(commit.getAuthorIdent().getWhenAsInstant()).isEqualTo(NOW);
        assertThat(commit.getShortMessage()).startsWith("register v1 by alice: s3://models/churn/");
      }
    }
  }

  @Test
  void shouldGiveRegistrationsAtTheSameTimeDistinctNumbers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Integer> numbers = Collections.synchronizedList(new ArrayList<>());
    try (Registry registry = open();
        Registry other = open()) {
      List<Future<?>> tasks = new ArrayList<>();
      for (int thread = 0; thread < 6; thread++) {
        Registry useThis = thread % 2 == 0 ? registry : other;
        tasks.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5; i++) {
                    numbers.add(useThis.register(Fixtures.draft("ci")).number());
                  }
                }));
      }
      for (Future<?> task : tasks) {
        task.get();
      }
      assertThat(numbers).hasSize(30).doesNotHaveDuplicates();
      assertThat(registry.versions())
          .extracting(ModelVersion::number)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRefuseAVersionWithoutAVerifiableArtifact() {
    try (Registry registry = open()) {
      ModelVersion good = Fixtures.draft("alice");
      assertThatThrownBy(() -> registry.register(withSha(good, "abc123")))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("'abc123' is not a SHA-256: expected 64 hex digits");
      assertThatThrownBy(() -> registry.register(withUri(good, " ")))
          .hasMessageContaining("needs the URI of its artifact");
      assertThatThrownBy(() -> registry.register(withUser(good, null)))
          .hasMessageContaining("the registering user is missing");
      assertThatThrownBy(() -> registry.register(withUser(good, "eve <evil@example.com>")))
          .hasMessageContaining("is not a user name");
      assertThatThrownBy(
              () ->
                  registry.register(
                      new ModelVersion(
                          0,
                          good.artifactUri(),
                          good.sha256(),
                          null,
                          null,
                          null,
                          Map.of("loss", Double.NaN),
                          null,
                          "alice",
                          null)))
          .hasMessageContaining("metric 'loss' is NaN");
      assertThat(registry.versions()).isEmpty();
    }
  }

  @Test
  void shouldShardVersionFilesByThousands() {
    assertThat(VersionCatalog.path(7)).isEqualTo("versions/0/7.json");
    assertThat(VersionCatalog.path(12_345)).isEqualTo("versions/12/12345.json");
  }

  private Registry open() {
    return Registry.open(
        work.resolve("registry.git"),
        RegistryOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private static ModelVersion withSha(ModelVersion v, String sha) {
    return ModelVersion.draft(
        v.artifactUri(),
        sha,
        v.image(),
        v.configDigest(),
        v.trainingRunId(),
        v.metrics(),
        v.sourceCommit(),
        v.createdBy());
  }

  private static ModelVersion withUri(ModelVersion v, String uri) {
    return ModelVersion.draft(
        uri,
        v.sha256(),
        v.image(),
        v.configDigest(),
        v.trainingRunId(),
        v.metrics(),
        v.sourceCommit(),
        v.createdBy());
  }

  private static ModelVersion withUser(ModelVersion v, String user) {
    return ModelVersion.draft(
        v.artifactUri(),
        v.sha256(),
        v.image(),
        v.configDigest(),
        v.trainingRunId(),
        v.metrics(),
        v.sourceCommit(),
        user);
  }
}
