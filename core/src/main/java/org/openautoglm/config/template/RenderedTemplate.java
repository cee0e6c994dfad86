package org.openautoglm.config.template;

import java.util.List;
import org.openautoglm.config.source.Diagnostic;
import org.openautoglm.config.source.SourceFile;

/**
 * The output of rendering one template with one set of values.
 *
 * @param output the rendered text, named like the template
 * @param sourceMap leads output offsets back to the template
 * @param errors values that were missing or unusable, each at its action; the output holds {@code
 *     null} in their place so that the rest of the file can still be checked
 * @param errorOffsets for each error, where its action's output starts in {@link #output}, so the
 *     error can be given the JSON pointer of the value once the output is parsed
 */
public record RenderedTemplate(
    SourceFile output, SourceMap sourceMap, List<Diagnostic> errors, List<Integer> errorOffsets) {}
