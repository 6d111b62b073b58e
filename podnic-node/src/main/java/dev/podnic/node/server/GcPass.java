package dev.podnic.node.server;

import dev.podnic.node.ledger.LedgerEntry;
import java.util.List;

/**
 * One garbage-collection pass: the attachments it freed and what it could not do (each kept for
 * the next pass, and logged).
 */
public record GcPass(List<LedgerEntry> freed, List<String> failures) {

    public GcPass {
        freed = List.copyOf(freed);
        failures = List.copyOf(failures);
    }
}
