package dev.podnic.binding.apply;

/** What {@link BindingEngine#down} found to undo. */
public sealed interface Released {
    /** One line for people, e.g. "2 vNIC(s) released". */
    String summary();

    /** Everything the record named is gone (CNI DEL done); {@code domain} is the destroyed domain, or null. */
    record Recorded(int vnics, String domain) implements Released {
        @Override
        public String summary() {
            return (domain == null ? "" : "domain " + domain + " destroyed, ") + vnics + " vNIC(s) released";
        }
    }

    /** There was no record; {@code vnics} were found through the DHCP backend (the VM's libvirt networks) and released. */
    record Discovered(int vnics) implements Released {
        @Override
        public String summary() {
            return "no record; " + vnics + " vNIC(s) found through the DHCP backend and released";
        }
    }

    /** Nothing recorded and nothing found. */
    record Nothing() implements Released {
        @Override
        public String summary() {
            return "nothing recorded and nothing found";
        }
    }
}
