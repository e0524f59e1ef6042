package ai.mint.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SoakSamplerTest {

    private static final String SCRAPE = """
            # HELP mint_adapters_resident_bytes Bytes of resident adapters per tier
            mint_adapters_resident_bytes{service="worker",tier="device"} 4096.0
            mint_adapters_resident{service="worker",tier="device"} 12.0
            mint_engine_arrays_live{service="worker"} 137.0
            """;

    @Test
    void shouldReadTheGaugeByItsExactNameNotOneThatSharesItsPrefix() {
        assertThat(SoakSampler.gauge(SCRAPE, SoakSampler.RESIDENT_METRIC + "{")).isEqualTo(12.0);
        assertThat(SoakSampler.gauge(SCRAPE, SoakSampler.ARRAYS_METRIC + "{")).isEqualTo(137.0);
        assertThat(SoakSampler.gauge(SCRAPE, "mint_missing{")).isNaN();
        assertThat(SoakSampler.gauge("", SoakSampler.ARRAYS_METRIC + "{")).isNaN();
    }
}
