package org.openautoglm.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * The digests a registered model version records about where it came from: the project's configs
 * and values, and the artifact itself. Computed where the files are (a Jenkins agent).
 */
public final class ProjectDigests {
  private ProjectDigests() {}

  /**
   * {@code sha256:…} over every config template and values file of the project, in path order, each
   * as its path and its bytes: the same configs give the same digest on every machine.
   */
  public static String configDigest(ProjectDescriptor project) throws IOException {
    TreeSet<String> files = new TreeSet<>();
    project.configs().forEach(config -> files.add(config.file()));
    files.addAll(project.values());
    project.environments().forEach(environment -> files.addAll(environment.values()));
    MessageDigest digest = sha256Digest();
    for (String file : files) {
      digest.update(file.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Files.readAllBytes(project.resolve(file)));
      digest.update((byte) 0);
    }
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  /** The SHA-256 of a file, 64 lower-case hex digits, read as a stream (models are large). */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
