package dev.podnic.k8s.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.SpecError;
import dev.podnic.api.SpecException;
import dev.podnic.api.VmiParser;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The validating admission webhook's handler: runs the very parser the CLI and node side use on the
 * object being created or updated, so the API server refuses exactly what podnic would refuse later,
 * with every problem named by field path and value; an update may not change the spec. The HTTP(S)
 * endpoint around it only moves bytes.
 */
public final class VmiAdmission {
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    /** The launcher wired the spec the VMI was created with; a new spec means a new VMI (as in KubeVirt). */
    public static final String IMMUTABLE = "spec is immutable: delete the VM instance and create it again";

    private final VmiParser parser = new VmiParser();
    private final ObjectMapper json = new ObjectMapper();

    /** Reviews an AdmissionReview (admission.k8s.io/v1) given as JSON; returns the answering review as JSON. */
    public String review(String admissionReviewJson) {
        AdmissionReview in = serialization.unmarshal(admissionReviewJson, AdmissionReview.class);
        return serialization.asJson(review(in));
    }

    public AdmissionReview review(AdmissionReview in) {
        AdmissionRequest request = in.getRequest();
        if (request == null || request.getUid() == null) {
            throw new IllegalArgumentException("not an AdmissionReview request: request.uid is missing");
        }
        return new AdmissionReviewBuilder()
                .withApiVersion("admission.k8s.io/v1")
                .withKind("AdmissionReview")
                .withResponse(decide(request))
                .build();
    }

    private AdmissionResponse decide(AdmissionRequest request) {
        AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(true);
        if (request.getObject() == null || "DELETE".equals(request.getOperation())) {
            return response.build();
        }
        String source = "VirtualMachineInstance " + request.getNamespace() + "/" + request.getName();
        byte[] object = serialization.asJson(request.getObject()).getBytes(StandardCharsets.UTF_8);
        if ("UPDATE".equals(request.getOperation()) && request.getOldObject() != null
                && !spec(object).equals(spec(serialization.asJson(request.getOldObject()).getBytes(StandardCharsets.UTF_8)))) {
            return denied(response, source + ": " + IMMUTABLE);
        }
        try {
            parser.parse(object, source);
            return response.build();
        } catch (SpecException e) {
            return denied(response, source + ": " + e.errors().stream().map(SpecError::toString).collect(Collectors.joining("; ")));
        }
    }

    private static AdmissionResponse denied(AdmissionResponseBuilder response, String message) {
        return response.withAllowed(false)
                .withStatus(new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid").withMessage(message).build())
                .build();
    }

    private JsonNode spec(byte[] object) {
        try {
            return json.readTree(object).path("spec");
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable object in the AdmissionReview: " + e.getMessage(), e);
        }
    }
}
