package ai.mint.orchestration;

import ai.mint.streams.JsonSerde;
import org.apache.kafka.common.serialization.Serde;

/** JSON serde of {@link LoopState} for the orchestrator's store and its changelog (readable with any consumer). */
public final class LoopStateSerde {

    private LoopStateSerde() {
    }

    public static Serde<LoopState> serde() {
        return JsonSerde.of(LoopState.class, "loop state");
    }
}
