package dev.podnic.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the API server does with an object against the CRD's structural schema, for the parts our
 * schema uses: types, required fields, patterns, maxItems, and the x-kubernetes-validations rules
 * evaluated with Google's CEL for Java (with the strings extension Kubernetes enables). Unknown
 * fields are ignored, as pruning drops them before validation. Rules are compiled with {@code self}
 * as dyn: a rule the API server would refuse to compile for a type error is not caught here.
 */
final class CrdValidator {
    private final JsonNode schema;
    private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), exists_one()
            .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).addLibraries(CelExtensions.strings()).build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();
    private final Map<String, CelRuntime.Program> programs = new LinkedHashMap<>();

    CrdValidator(Path crd) throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(crd));
        this.schema = doc.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }

    /** Every rule in the schema, for a test that each one was seen failing. */
    List<String> ruleMessages() {
        List<String> out = new ArrayList<>();
        collect(schema, out);
        return out;
    }

    private static void collect(JsonNode s, List<String> out) {
        s.path("x-kubernetes-validations").forEach(r -> out.add(r.path("message").asText()));
        s.path("properties").forEach(p -> collect(p, out));
        if (s.has("items")) {
            collect(s.path("items"), out);
        }
    }

    /** The violations, each "path: message"; empty when the API server would store the object. */
    List<String> validate(JsonNode object) {
        return validateUpdate(null, object);
    }

    /**
     * The same for an update from {@code old}: transition rules (those using {@code oldSelf}) run
     * where the old object has a value at the same path (not inside lists: ours are atomic, and the
     * API server correlates no elements of those).
     */
    List<String> validateUpdate(JsonNode old, JsonNode object) {
        List<String> out = new ArrayList<>();
        walk(schema, object, old, "", out);
        return out;
    }

    private void walk(JsonNode s, JsonNode v, JsonNode old, String path, List<String> out) {
        String type = s.path("type").asText("");
        if (!typeMatches(type, v)) {
            out.add(path + ": Invalid value: must be of type " + type);
            return;
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    out.add(path + "." + r.asText() + ": Required value");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (v.has(p.getKey()) && !v.get(p.getKey()).isNull()) {
                    JsonNode oldChild = old == null || !old.has(p.getKey()) || old.get(p.getKey()).isNull() ? null : old.get(p.getKey());
                    walk(p.getValue(), v.get(p.getKey()), oldChild, path + "." + p.getKey(), out);
                }
            }
        } else if (v.isArray()) {
            if (s.has("maxItems") && v.size() > s.path("maxItems").asInt()) {
                out.add(path + ": Too many: " + v.size() + ": must have at most " + s.path("maxItems").asInt() + " items");
            }
            for (int i = 0; i < v.size(); i++) {
                walk(s.path("items"), v.get(i), null, path + "[" + i + "]", out);
            }
        } else if (v.isTextual() && s.has("pattern") && !Pattern.compile(s.path("pattern").asText()).matcher(v.asText()).find()) {
            out.add(path + ": Invalid value: \"" + v.asText() + "\": should match '" + s.path("pattern").asText() + "'");
        }
        for (JsonNode rule : s.path("x-kubernetes-validations")) {
            boolean transition = rule.path("rule").asText().contains("oldSelf");
            if (transition && old == null) {
                continue; // a transition rule applies to updates only
            }
            Object result;
            try {
                result = program(rule.path("rule").asText()).eval(transition ? Map.of("self", cel(v), "oldSelf", cel(old))
                        : Map.of("self", cel(v)));
            } catch (Exception e) {
                throw new IllegalStateException("rule " + rule.path("rule").asText() + " at " + path + ": " + e.getMessage(), e);
            }
            if (!Boolean.TRUE.equals(result)) {
                out.add(path + ": Invalid value: " + rule.path("message").asText());
            }
        }
    }

    private static boolean typeMatches(String type, JsonNode v) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            default -> true; // untyped (x-kubernetes-preserve-unknown-fields): anything
        };
    }

    private CelRuntime.Program program(String rule) throws Exception {
        CelRuntime.Program p = programs.get(rule);
        if (p == null) {
            CelAbstractSyntaxTree ast = compiler.compile(rule).getAst();
            p = runtime.createProgram(ast);
            programs.put(rule, p);
        }
        return p;
    }

    /** JSON as CEL values: maps, lists, strings, int64, doubles, booleans; null fields dropped, as the API server does. */
    private static Object cel(JsonNode v) {
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    m.put(e.getKey(), cel(e.getValue()));
                }
            });
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(e -> l.add(cel(e)));
            return l;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }
}
