package org.openautoglm.config.document;

/** Character offsets {@code [start, end)} of a node in the parsed text. */
public record Span(int start, int end) {}
