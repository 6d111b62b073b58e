package dev.podnic.k8s.controller;

/**
 * What a reconcile pass came to. Failures are exceptions (the API refused, say): the work queue
 * retries them with backoff and logs them. {@link Waiting} is no failure: the node side has been
 * asked and its answer (a watch event) brings the key back; the backoff retry is only a safety net.
 */
public sealed interface Reconciled {
    Done DONE = new Done();

    static Reconciled done() {
        return DONE;
    }

    static Reconciled waiting(String why) {
        return new Waiting(why);
    }

    /** The outcome's name in metrics ({@code podnic_reconcile{outcome}}). */
    String outcome();

    /** False while waiting for someone else: the key comes back later. */
    boolean finished();

    /** The state is as it should be, until something changes. */
    record Done() implements Reconciled {
        @Override
        public String outcome() {
            return "ok";
        }

        @Override
        public boolean finished() {
            return true;
        }
    }

    /** Waiting for a node's agent (or another party) to act. */
    record Waiting(String why) implements Reconciled {
        @Override
        public String outcome() {
            return "waiting_for_node";
        }

        @Override
        public boolean finished() {
            return false;
        }
    }
}
