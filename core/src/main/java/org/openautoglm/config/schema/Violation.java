package org.openautoglm.config.schema;

/**
 * One way a document breaks its schema.
 *
 * @param pointer JSON pointer of the offending value; for an unknown key, of that key's value
 * @param message what is wrong, in words, and what is expected
 * @param atKey whether to show it at the key ({@code port:}) rather than at the value: for unknown
 *     keys and for objects that miss a required key
 */
public record Violation(String pointer, String message, boolean atKey) {}
