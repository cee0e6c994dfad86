package org.openautoglm.config;

import org.openautoglm.config.document.PositionedDocument;
import org.openautoglm.config.template.SourceMap;

/** A config rendered for one environment and parsed, with the map back to its template. */
record RenderedConfig(String environment, PositionedDocument document, SourceMap sourceMap) {}
