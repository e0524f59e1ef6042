package ai.mint.training.service;

import ai.mint.api.Datum;
import ai.mint.api.LossConfig;
import ai.mint.api.LossFunction;

import java.util.List;

/** One policy's examples for a forward/backward and the loss to apply to them. */
public record TrainingBatch(Policy policy, List<Datum> data, LossFunction loss, LossConfig config) {

    public TrainingBatch {
        data = List.copyOf(data);
    }
}
