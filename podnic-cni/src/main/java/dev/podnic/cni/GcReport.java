package dev.podnic.cni;

import java.util.List;

/**
 * The outcome of GC for a network.
 *
 * @param deleted        cached attachments not in the valid set that were deleted (CNI DEL)
 * @param pluginsGc      plugins that ran the spec-1.1 GC command
 * @param pluginsSkipped plugins that predate GC (their state is covered by the DELs above)
 * @param errors         what failed; empty means complete success
 */
public record GcReport(String network, boolean disabled, List<Attachment> deleted, List<String> pluginsGc,
                       List<String> pluginsSkipped, List<String> errors) {
}
