package dev.podnic.k8s.admission;

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
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The validating admission webhook's handler: runs the very parser the CLI and node side use on the
 * object being created or updated, so the API server refuses exactly what podnic would refuse later,
 * with every problem named by field path and value. The HTTP(S) endpoint around it only moves bytes.
 */
public final class VmiAdmission {
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final VmiParser parser = new VmiParser();

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
        try {
            parser.parse(object, source);
            return response.build();
        } catch (SpecException e) {
            String message = e.errors().stream().map(SpecError::toString).collect(Collectors.joining("; "));
            return response.withAllowed(false)
                    .withStatus(new StatusBuilder()
                            .withStatus("Failure")
                            .withCode(422)
                            .withReason("Invalid")
                            .withMessage(source + ": " + message)
                            .build())
                    .build();
        }
    }
}
