package dev.podnic.node.api;

/**
 * Why the daemon refused or failed a request. Codes below 100 are the CNI spec's (a plugin's error
 * travels as it was); podnic's own: 150 forbidden (not the caller's namespace or interface),
 * 151 malformed request, 152 request too large, 153 request too slow, 154 unknown attachment.
 */
public record ProxyError(int code, String msg, String details) {
    public static final int FORBIDDEN = 150;
    public static final int MALFORMED = 151;
    public static final int TOO_LARGE = 152;
    public static final int TOO_SLOW = 153;
    public static final int UNKNOWN_ATTACHMENT = 154;
}
