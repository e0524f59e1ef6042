package ai.mint.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.mint.engine.MicroBatchBudget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The worker's operational knobs: documented settings with defaults, validated, typed and printable. */
class WorkerConfigTest {

    private static final List<String> KNOBS = List.of(WorkerConfig.LIFECYCLE_MAX_POLL, WorkerConfig.POLL_TIMEOUT_MS,
            WorkerConfig.RETRY_BACKOFF_MS, WorkerConfig.CATALOG_WAIT_MS, WorkerConfig.CATALOG_CAUGHT_UP_WAIT_MS,
            WorkerConfig.ENGINE_THREADS, WorkerConfig.ADAPTER_DEVICE_BUDGET, WorkerConfig.ADAPTER_CPU_CACHE,
            WorkerConfig.PREFILL_ROWS, WorkerConfig.GENERATION_MAX_ROWS, WorkerConfig.MICRO_BATCH_ROWS,
            WorkerConfig.MICRO_BATCH_TOKENS, WorkerConfig.REWARD_TIMEOUT_MS, WorkerConfig.REWARD_MAX_THREADS,
            WorkerConfig.SAMPLING_MAX_TOKENS, WorkerConfig.SAMPLING_MAX_SAMPLES, WorkerConfig.INFERENCE_BATCH);

    private static Map<String, Object> required() {
        Map<String, Object> values = new HashMap<>();
        values.put(WorkerConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        values.put(WorkerConfig.REGISTRY_URL, "mock://config-test");
        values.put(WorkerConfig.BASE_DIR, "/tmp/base");
        values.put(WorkerConfig.STORE_ROOT, "/tmp/store");
        return values;
    }

    @Test
    void shouldKeepTodaysValuesAsDefaults() {
        WorkerConfig c = new WorkerConfig(required());
        assertThat(c.lifecycleMaxPoll).isEqualTo(8);
        assertThat(c.pollTimeout).isEqualTo(Duration.ofMillis(200));
        assertThat(c.engine.adapterBudgetBytes()).isEqualTo(512L << 20);
        assertThat(c.engine.cpuCacheBytes()).isEqualTo(2L << 30);
        assertThat(c.engine.prefillRows()).isEqualTo(32);
        assertThat(c.microBatch).isEqualTo(MicroBatchBudget.DEFAULT);
        assertThat(c.limits).isEqualTo(WorkContext.Limits.DEFAULT);
    }

    @Test
    void shouldCarryEverySettingIntoItsTypedField() {
        Map<String, Object> values = required();
        values.put(WorkerConfig.LIFECYCLE_MAX_POLL, "3");
        values.put(WorkerConfig.ADAPTER_DEVICE_BUDGET, "1048576");
        values.put(WorkerConfig.PREFILL_ROWS, "4");
        values.put(WorkerConfig.MICRO_BATCH_ROWS, "0");
        values.put(WorkerConfig.MICRO_BATCH_TOKENS, "100");
        values.put(WorkerConfig.REWARD_TIMEOUT_MS, "1500");
        values.put(WorkerConfig.SAMPLING_MAX_TOKENS, "64");
        values.put(WorkerConfig.CATALOG_CAUGHT_UP_WAIT_MS, "10");
        WorkerConfig c = new WorkerConfig(values);
        assertThat(c.lifecycleMaxPoll).isEqualTo(3);
        assertThat(c.engine.adapterBudgetBytes()).isEqualTo(1 << 20);
        assertThat(c.engine.prefillRows()).isEqualTo(4);
        assertThat(c.microBatch).isEqualTo(new MicroBatchBudget(Integer.MAX_VALUE, 100)); // 0 = no row limit
        assertThat(c.limits.rewardTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.limits.maxTokens()).isEqualTo(64);
        assertThat(c.limits.caughtUpWait()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void shouldRefuseAnOutOfRangeValueNamingTheSetting() {
        Map<String, Object> values = required();
        values.put(WorkerConfig.PREFILL_ROWS, "0");
        assertThatThrownBy(() -> new WorkerConfig(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(WorkerConfig.PREFILL_ROWS);
        values.put(WorkerConfig.PREFILL_ROWS, "8");
        values.put(WorkerConfig.MICRO_BATCH_TOKENS, "-1");
        assertThatThrownBy(() -> new WorkerConfig(values)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(WorkerConfig.MICRO_BATCH_TOKENS);
    }

    @Test
    void shouldListEveryKnobWithItsDocumentation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new WorkerCommand()).execute("--list-settings")).isZero();
        } finally {
            System.setOut(before);
        }
        String listed = out.toString(StandardCharsets.UTF_8);
        for (String knob : KNOBS) {
            assertThat(listed).as(knob).contains(knob);
            assertThat(WorkerConfig.DEFINITION.configKeys().get(knob).documentation).as(knob).isNotBlank();
        }
    }
}
