package org.openautoglm.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openautoglm.config.source.LoadLimits;

class ProjectDigestsTest {
  @TempDir Path directory;

  private ProjectDescriptor project() throws IOException {
    Files.createDirectories(directory.resolve("configs"));
    Files.writeString(directory.resolve("configs/a.yaml"), "lr: {{ .lr }}\n");
    Files.writeString(directory.resolve("values.yaml"), "lr: 0.1\n");
    Path descriptor =
        Files.writeString(
            directory.resolve("autoglm.yaml"),
            "apiVersion: autoglm/v1\nname: demo\nconfigs:\n  - file: configs/a.yaml\n"
                + "values: values.yaml\n");
    return new ProjectLoader(LoadLimits.DEFAULT).load(descriptor);
  }

  @Test
  void shouldChangeTheConfigDigestWhenAValuesFileChanges() throws IOException {
    ProjectDescriptor project = project();
    String before = ProjectDigests.configDigest(project);
    assertThat(before).startsWith("sha256:").hasSize(7 + 64);
    assertThat(ProjectDigests.configDigest(project)).isEqualTo(before);
    Files.writeString(directory.resolve("values.yaml"), "lr: 0.2\n");
    assertThat(ProjectDigests.configDigest(project)).isNotEqualTo(before);
  }

  @Test
  void shouldHashAFileAsSha256Hex() throws IOException {
    Path file = Files.writeString(directory.resolve("model.bin"), "abc");
    assertThat(ProjectDigests.sha256(file))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
