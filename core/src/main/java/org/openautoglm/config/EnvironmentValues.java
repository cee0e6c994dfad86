package org.openautoglm.config;

import org.openautoglm.config.values.Values;

/**
 * The values one environment renders with, all layers already laid over each other.
 *
 * @param name the environment, or {@code null} when no environment is selected
 */
public record EnvironmentValues(String name, Values values) {}
