package ai.mint.common.catalog;

import ai.mint.events.CatalogEntry;
import ai.mint.events.PolicyStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which policies a list or count covers: all of the given labels (e.g. {@code tenant:acme}), a status, a base model.
 * Empty parts match everything. The query API reads it from {@code label=KEY:VALUE} (repeatable), {@code status=} and
 * {@code base_model=}; {@link #toQuery()} writes it back.
 *
 * @param labels    labels every listed policy carries, with these values
 * @param status    ACTIVE or STOPPED, or null for both
 * @param baseModel base model id, or null for any
 */
public record PolicyFilter(Map<String, String> labels, PolicyStatus status, String baseModel) {

    public static final String LABEL = "label";
    public static final String STATUS = "status";
    public static final String BASE_MODEL = "base_model";

    /** Matches every policy. */
    public static final PolicyFilter ALL = new PolicyFilter(Map.of(), null, null);

    public PolicyFilter {
        labels = labels == null ? Map.of() : new TreeMap<>(labels);
    }

    public boolean matches(CatalogEntry entry) {
        if (status != null && entry.getSpec().getStatus() != status) {
            return false;
        }
        if (baseModel != null && !baseModel.equals(entry.getSpec().getBaseModel())) {
            return false;
        }
        Map<String, String> have = entry.getSpec().getLabels();
        for (Map.Entry<String, String> wanted : labels.entrySet()) {
            if (!wanted.getValue().equals(have.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public boolean isAll() {
        return labels.isEmpty() && status == null && baseModel == null;
    }

    /**
     * Reads the filter from query parameters (name to every value given).
     *
     * @throws IllegalArgumentException naming the parameter that is malformed
     */
    public static PolicyFilter fromQuery(Map<String, List<String>> params) {
        Map<String, String> labels = new TreeMap<>();
        for (String label : params.getOrDefault(LABEL, List.of())) {
            int colon = label.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(LABEL + " must look like KEY:VALUE (e.g. tenant:acme), got '"
                        + label + "'");
            }
            labels.put(label.substring(0, colon), label.substring(colon + 1));
        }
        PolicyStatus status = null;
        String rawStatus = last(params, STATUS);
        if (rawStatus != null) {
            try {
                status = PolicyStatus.valueOf(rawStatus.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(STATUS + " must be one of " + Arrays.toString(PolicyStatus.values())
                        + ", got '" + rawStatus + "'");
            }
        }
        String base = last(params, BASE_MODEL);
        if (base != null && base.isBlank()) {
            throw new IllegalArgumentException(BASE_MODEL + " is empty");
        }
        return new PolicyFilter(labels, status, base);
    }

    /** The filter as query parameters ({@code label=..&status=..}), URL-encoded; empty for {@link #ALL}. */
    public String toQuery() {
        StringBuilder q = new StringBuilder();
        labels.forEach((k, v) -> append(q, LABEL, k + ":" + v));
        if (status != null) {
            append(q, STATUS, status.name());
        }
        if (baseModel != null) {
            append(q, BASE_MODEL, baseModel);
        }
        return q.toString();
    }

    private static void append(StringBuilder q, String name, String value) {
        if (!q.isEmpty()) {
            q.append('&');
        }
        q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static String last(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }
}
