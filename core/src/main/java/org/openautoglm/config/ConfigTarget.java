package org.openautoglm.config;

import java.nio.file.Path;

/**
 * A templated config file to check, with the schema it must satisfy.
 *
 * @param schema the schema file, or {@code null} to check only that the file renders and parses
 */
public record ConfigTarget(Path file, String displayName, Path schema, String schemaDisplayName) {}
