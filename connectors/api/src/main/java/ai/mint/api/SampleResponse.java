package ai.mint.api;

import java.util.List;

/** The completions drawn for one prompt, and the revision of the policy that drew them. */
public record SampleResponse(List<SampledSequence> sequences, long revision) {
}
