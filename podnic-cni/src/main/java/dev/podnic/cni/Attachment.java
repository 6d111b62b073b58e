package dev.podnic.cni;

/** An attachment's identity within a network: (container ID, interface name). */
public record Attachment(String containerId, String ifName) {

    /** Parses "CONTAINERID/IFNAME". */
    public static Attachment parse(String text) {
        int slash = text.lastIndexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("\"" + text + "\" is not CONTAINERID/IFNAME");
        }
        return new Attachment(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public String toString() {
        return containerId + "/" + ifName;
    }
}
