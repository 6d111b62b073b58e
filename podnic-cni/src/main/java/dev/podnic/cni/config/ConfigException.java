package dev.podnic.cni.config;

import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;

/** A network configuration is unreadable or invalid; names the file and the field. */
public final class ConfigException extends CniException {
    private final String source;
    private final String field;

    public ConfigException(String source, String field, String problem) {
        super(new CniError(CniError.INVALID_CONFIG, describe(source, field, problem), ""),
                describe(source, field, problem), null);
        this.source = source;
        this.field = field;
    }

    private static String describe(String source, String field, String problem) {
        return source + (field == null || field.isEmpty() ? "" : ": field \"" + field + "\"") + ": " + problem;
    }

    /** The file (or "&lt;stdin&gt;", "&lt;inline&gt;") the configuration came from. */
    public String source() {
        return source;
    }

    /** The JSON path of the bad field, or empty when the whole document is wrong. */
    public String field() {
        return field;
    }
}
