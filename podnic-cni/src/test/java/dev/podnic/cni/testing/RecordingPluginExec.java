package dev.podnic.cni.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.invoke.PluginExec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake of plugin execution that records every call and answers from a script. Plugins "exist"
 * in {@code /fake/bin} once they have a behaviour; unscripted commands succeed with empty output,
 * except VERSION, which answers the versions given to {@link #plugin}.
 */
public final class RecordingPluginExec implements PluginExec {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Path BIN = Path.of("/fake/bin");

    /** One recorded call. */
    public record Call(String type, String command, JsonNode stdin, Map<String, String> env) {
    }

    private final Map<String, List<String>> versions = new HashMap<>();
    private final Map<String, Function<Call, ExecOutput>> behaviour = new HashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** Declares a plugin that supports {@code supported}. */
    public RecordingPluginExec plugin(String type, String... supported) {
        versions.put(type, List.of(supported));
        return this;
    }

    /** Scripts the answer of {@code type} to {@code command}. */
    public RecordingPluginExec on(String type, String command, Function<Call, ExecOutput> answer) {
        behaviour.put(type + "/" + command, answer);
        return this;
    }

    public static ExecOutput ok(String stdout) {
        return new ExecOutput(0, stdout.getBytes(StandardCharsets.UTF_8), new byte[0], false);
    }

    public static ExecOutput fail(int exit, String stdout, String stderr) {
        return new ExecOutput(exit, stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8), false);
    }

    public static ExecOutput timedOut() {
        return new ExecOutput(-1, new byte[0], "still waiting".getBytes(StandardCharsets.UTF_8), true);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Recorded calls other than VERSION, as "type COMMAND". */
    public List<String> sequence() {
        List<String> out = new ArrayList<>();
        for (Call c : calls) {
            if (!c.command().equals("VERSION")) {
                out.add(c.type() + " " + c.command());
            }
        }
        return out;
    }

    public Call last(String type, String command) {
        Call found = null;
        for (Call c : calls) {
            if (c.type().equals(type) && c.command().equals(command)) {
                found = c;
            }
        }
        if (found == null) {
            throw new AssertionError("no " + command + " call of " + type + " in " + sequence());
        }
        return found;
    }

    @Override
    public Optional<Path> find(String type, List<Path> dirs) {
        return versions.containsKey(type) && dirs.contains(BIN) ? Optional.of(BIN.resolve(type)) : Optional.empty();
    }

    @Override
    public ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout) throws IOException {
        String type = plugin.getFileName().toString();
        Call call = new Call(type, env.get("CNI_COMMAND"), JSON.readTree(stdin), Map.copyOf(env));
        calls.add(call);
        Function<Call, ExecOutput> answer = behaviour.get(type + "/" + call.command());
        if (answer != null) {
            return answer.apply(call);
        }
        if (call.command().equals("VERSION")) {
            String list = String.join("\",\"", versions.get(type));
            return ok("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"" + list + "\"]}");
        }
        return ok("");
    }
}
