package dev.podnic.cni.result;

/**
 * An interface a plugin created or configured. {@code mtu}, {@code socketPath} and {@code pciId}
 * exist from spec 1.1.0 and are dropped when a result is written in an older version.
 */
public record ResultInterface(String name, String mac, Integer mtu, String sandbox, String socketPath,
                              String pciId) {

    public static ResultInterface of(String name, String mac, String sandbox) {
        return new ResultInterface(name, mac, null, sandbox, null, null);
    }
}
