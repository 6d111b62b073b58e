package dev.podnic.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the daemon books one KubeVirt binding ADD in its log (`HostBinding`): all of it, the node's
 * plugins, and podnic's share — everything else, split into attaching (the ledger's entries and the
 * service's checks around the plugins), the work in the pod, the DHCP server's start, and opening the
 * pod with the rest.
 */
record BindingBooking(double all, double plugins, double podnic, double attaching, double podWork, double dhcp, double rest) {
    private static final Pattern LINE = Pattern.compile("bound \\S+ \\(network (\\S*)\\) .* in ([\\d.]+) ms \\(plugins ([\\d.]+) ms, "
            + "podnic ([\\d.]+) ms = attaching (-?[\\d.]+) \\+ pod work ([\\d.]+) \\+ DHCP ([\\d.]+) \\+ opening the pod and the rest (-?[\\d.]+)\\)");

    /** Every ADD the daemon booked in {@code log}, in order, of the VM network {@code network}. */
    static List<BindingBooking> read(Path log, String network) throws IOException {
        List<BindingBooking> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(l);
            if (m.find() && m.group(1).equals(network)) {
                out.add(new BindingBooking(d(m, 2), d(m, 3), d(m, 4), d(m, 5), d(m, 6), d(m, 7), d(m, 8)));
            }
        }
        return out;
    }

    private static double d(Matcher m, int group) {
        return Double.parseDouble(m.group(group));
    }

    /** One line of medians (each part its own median: they need not add up). */
    static String medians(List<BindingBooking> booked) {
        return String.format("all %.1f ms = plugins %.1f + podnic's share %.1f ms (attaching: ledger and checks %.1f, pod work %.1f, "
                        + "DHCP isolation and server start %.1f, opening the pod and the rest %.1f)",
                median(booked, BindingBooking::all), median(booked, BindingBooking::plugins), median(booked, BindingBooking::podnic),
                median(booked, BindingBooking::attaching), median(booked, BindingBooking::podWork), median(booked, BindingBooking::dhcp),
                median(booked, BindingBooking::rest));
    }

    static double median(List<BindingBooking> booked, ToDoubleFunction<BindingBooking> part) {
        return Stats.of(booked.stream().map(part::applyAsDouble).toList()).median();
    }
}
