package dev.podnic.cli;

import java.net.InetSocketAddress;

/** A HOST:PORT option value (listen addresses), with the option named when it is not one. */
public final class HostPort {
    private HostPort() {
    }

    public static InetSocketAddress parse(String option, String value) {
        int colon = value.lastIndexOf(':');
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new UserError(option + " " + value + ": expected HOST:PORT, e.g. 127.0.0.1:9464");
        }
    }
}
