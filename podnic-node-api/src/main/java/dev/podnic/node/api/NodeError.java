package dev.podnic.node.api;

/**
 * Why the daemon refused or failed a request. Codes below 100 are the CNI spec's (a plugin's error
 * travels as it was: 11 is "try again later"); podnic's own: 150 forbidden (not the caller's
 * namespace or interface), 151 malformed request, 152 request too large, 153 request too slow,
 * 154 unknown attachment, 155 over the pod's quota. The message is never empty (see {@link #of}).
 */
public record NodeError(int code, String msg, String details) {
    public static final int FORBIDDEN = 150;
    public static final int MALFORMED = 151;
    public static final int TOO_LARGE = 152;
    public static final int TOO_SLOW = 153;
    public static final int UNKNOWN_ATTACHMENT = 154;
    public static final int QUOTA = 155;

    public NodeError {
        msg = msg == null || msg.isBlank() ? "(no reason given; " + meaning(code) + ")" : msg;
        details = details == null ? "" : details;
    }

    public static NodeError of(int code, String msg) {
        return new NodeError(code, msg, "");
    }

    /** What a code means, for messages that would otherwise say nothing. */
    public static String meaning(int code) {
        return switch (code) {
            case FORBIDDEN -> "forbidden";
            case MALFORMED -> "malformed request";
            case TOO_LARGE -> "request too large";
            case TOO_SLOW -> "request too slow";
            case UNKNOWN_ATTACHMENT -> "unknown attachment";
            case QUOTA -> "over the pod's quota";
            case 11 -> "try again later";
            default -> "code " + code;
        };
    }
}
