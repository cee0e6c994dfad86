package org.openautoglm.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Registry#latestVersions}: the newest versions, oldest first, for the trend chart. */
class LatestVersionsTest {
  @TempDir Path dir;

  private Registry registry;

  @BeforeEach
  void open() {
    registry = Registry.open(dir.resolve("registry.git"));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void shouldReturnNothingFromAnEmptyRegistry() {
    assertThat(registry.latestVersions(5)).isEmpty();
    assertThat(registry.latestVersions(0)).isEmpty();
  }

  @Test
  void shouldReturnTheNewestVersionsOldestFirst() {
    register(6);

    assertThat(numbers(registry.latestVersions(3))).containsExactly(4, 5, 6);
    assertThat(numbers(registry.latestVersions(1))).containsExactly(6);
    assertThat(registry.latestVersions(3)).isEqualTo(registry.versions().subList(3, 6));
  }

  @Test
  void shouldReturnEveryVersionWhenAskedForMoreThanThereAre() {
    register(4);

    assertThat(numbers(registry.latestVersions(4))).containsExactly(1, 2, 3, 4);
    assertThat(numbers(registry.latestVersions(100))).containsExactly(1, 2, 3, 4);
    assertThat(registry.latestVersions(100)).isEqualTo(registry.versions());
  }

  @Test
  void shouldReturnNothingForZeroOrLess() {
    register(3);

    assertThat(registry.latestVersions(0)).isEmpty();
    assertThat(registry.latestVersions(-1)).isEmpty();
  }

  @Test
  void shouldSeeVersionsAnotherRegistryRegistered() {
    register(2);
    try (Registry other = Registry.open(dir.resolve("registry.git"))) {
      other.register(Fixtures.draft("carol"));
    }

    assertThat(numbers(registry.latestVersions(2))).containsExactly(2, 3);
    assertThat(registry.latestVersions(1).get(0).createdBy()).isEqualTo("carol");
  }

  private void register(int count) {
    for (int i = 0; i < count; i++) {
      registry.register(Fixtures.draft("bob"));
    }
  }

  private static List<Integer> numbers(List<ModelVersion> versions) {
    return versions.stream().map(ModelVersion::number).toList();
  }
}
