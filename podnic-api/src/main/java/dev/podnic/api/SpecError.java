package dev.podnic.api;

/**
 * One problem in a VM instance spec.
 *
 * @param path    the field, e.g. {@code spec.domain.devices.interfaces[1].mac.address}
 * @param value   the offending value as written (may be empty when a field is missing)
 * @param problem what is wrong and what was expected
 */
public record SpecError(String path, String value, String problem) {
    @Override
    public String toString() {
        return path + (value == null || value.isEmpty() ? "" : " = \"" + value + "\"") + ": " + problem;
    }
}
