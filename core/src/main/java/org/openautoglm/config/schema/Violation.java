package org.openautoglm.config.schema;

/**
 * One way a document breaks its schema.
 *
 * @param pointer JSON pointer of the offending value (or of the object missing a key)
 * @param reportPointer where to show it: the offending key for unknown keys, else {@code pointer}
 * @param message what is wrong, in words, and what is expected
 */
public record Violation(String pointer, String reportPointer, String message) {}
