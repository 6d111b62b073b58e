package dev.podnic.cni.version;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a plugin answered to VERSION: the spec versions it supports that podnic also knows.
 *
 * @param supported known versions the plugin accepts, oldest first
 * @param reported  the raw list the plugin printed (may hold versions podnic does not know)
 */
public record PluginVersions(List<SpecVersion> supported, List<String> reported) {

    public PluginVersions {
        supported = supported.stream().sorted().distinct().toList();
        reported = List.copyOf(reported);
    }

    /** Plugins predating VERSION (spec 0.1.0) answer with an error; they speak 0.1.0 only. */
    public static PluginVersions legacy() {
        return new PluginVersions(List.of(SpecVersion.V0_1_0), List.of("0.1.0"));
    }

    /**
     * The version to speak with this plugin for a config of version {@code wanted}: {@code wanted}
     * itself when supported, else the newest supported version below it.
     */
    public Optional<SpecVersion> negotiate(SpecVersion wanted) {
        return supported.stream().filter(v -> !v.atLeast(wanted) || v == wanted)
                .max(Comparator.naturalOrder());
    }

    public boolean supports(SpecVersion v) {
        return supported.contains(v);
    }
}
