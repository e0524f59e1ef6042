package ai.mint.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyLabelsTest {

    @Test
    void shouldNameTheFirstPoliciesAndCountTheRestAsOther() {
        PolicyLabels labels = new PolicyLabels(2);
        assertThat(labels.label("a")).isEqualTo("a");
        assertThat(labels.label("b")).isEqualTo("b");
        assertThat(labels.label("c")).isEqualTo(PolicyLabels.OTHER);
        assertThat(labels.label("a")).isEqualTo("a");
        assertThat(labels.named()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void shouldGiveTheLabelOfTheQuietestPolicyToAClearlyBusierOneAndReportTheDemotion() {
        List<String> demoted = new ArrayList<>();
        PolicyLabels labels = new PolicyLabels(2).onDemoted(demoted::add);
        for (int i = 0; i < 10; i++) {
            labels.label("a");
        }
        labels.label("b");
        String last = null;
        int calls = 0;
        while (!"c".equals(last)) {
            last = labels.label("c");
            calls++;
        }
        // b had 1 request: c needs more than 2 x 1 + 16
        assertThat(calls).isEqualTo(19);
        assertThat(demoted).containsExactly("b");
        assertThat(labels.named()).containsExactlyInAnyOrder("a", "c");
        assertThat(labels.label("b")).isEqualTo(PolicyLabels.OTHER);
    }

    @Test
    void shouldStayBoundedAndNameTheHeavyHittersUnderSkewedTrafficOverManyPolicies() {
        int size = 5;
        PolicyLabels labels = new PolicyLabels(size);
        Random random = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            // half the traffic goes to h0..h4, the other half spreads over 10,000 policies
            String policy = random.nextBoolean() ? "h" + random.nextInt(size) : "p" + random.nextInt(10_000);
            labels.label(policy);
            assertThat(labels.named().size()).isLessThanOrEqualTo(size);
            assertThat(labels.tracked()).isLessThanOrEqualTo(4 * size);
        }
        assertThat(labels.named()).containsExactlyInAnyOrder("h0", "h1", "h2", "h3", "h4");
    }
}
