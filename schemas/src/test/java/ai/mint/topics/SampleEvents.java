package ai.mint.topics;

import ai.mint.events.AdamParams;
import ai.mint.events.AdapterPin;
import ai.mint.events.AdapterPinResult;
import ai.mint.events.AdapterState;
import ai.mint.events.AdapterTier;
import ai.mint.events.CheckpointInfo;
import ai.mint.events.ForwardBackwardCall;
import ai.mint.events.ForwardBackwardReply;
import ai.mint.events.LossParams;
import ai.mint.events.TrainingDatum;
import ai.mint.events.TrainingReply;
import ai.mint.events.TrainingRequest;
import ai.mint.events.CatalogEntry;
import ai.mint.events.CatalogRevision;
import ai.mint.events.DeadLetter;
import ai.mint.events.EvalRequest;
import ai.mint.events.EvalResult;
import ai.mint.events.EvalSpec;
import ai.mint.events.ExportRequest;
import ai.mint.events.ExportResult;
import ai.mint.events.InferenceChunk;
import ai.mint.events.InferenceRequest;
import ai.mint.events.InferenceResponse;
import ai.mint.events.LoraSpec;
import ai.mint.events.Metric;
import ai.mint.events.PackDone;
import ai.mint.events.PointerMove;
import ai.mint.events.PointerMoveKind;
import ai.mint.events.PointerMoved;
import ai.mint.events.PolicySpec;
import ai.mint.events.PolicyStatus;
import ai.mint.events.PromotionGate;
import ai.mint.events.RegressionGuard;
import ai.mint.events.RetirementReason;
import ai.mint.events.RevisionRetired;
import ai.mint.events.ResidentAdapter;
import ai.mint.events.RevisionInfo;
import ai.mint.events.RevisionState;
import ai.mint.events.RollbackRequest;
import ai.mint.events.RollbackResult;
import ai.mint.events.RolloutRequest;
import ai.mint.events.RolloutResult;
import ai.mint.events.SamplingParams;
import ai.mint.events.ServeRequest;
import ai.mint.events.ServeResult;
import ai.mint.events.TrainingSpec;
import ai.mint.events.Trajectory;
import ai.mint.events.UpdateRequest;
import ai.mint.events.UpdateResult;
import ai.mint.events.WorkKind;
import ai.mint.events.WorkItem;
import ai.mint.events.WorkerStatus;
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Realistic, fully populated sample events, one per topic: the quickstart produces them and the tests round-trip them.
 * Every optional field is set, so a sample exercises the whole schema. A request and its result share a correlation
 * id derived from the policy and stage, and revisions follow one policy's story (r1 trained from r0, exported,
 * evaluated, promoted, rolled back).
 */
public final class SampleEvents {

    private static final String BASE_MODEL = "mint-tiny-llama";
    private static final List<String> TARGET_MODULES = List.of("q_proj", "v_proj");
    private static final List<String> PROMPTS = List.of("What is 17 + 25?", "Name a prime number above 100.");
    private static final String PARENT = "r0";
    private static final String REVISION = "r1";
    private static final String ADAPTER_URI = "file:///var/mint/adapters/%s/r1";
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final Map<String, BiFunction<String, Instant, SpecificRecord>> BY_RECORD = Map.ofEntries(
            Map.entry("PolicySpec", SampleEvents::policySpec),
            Map.entry("RolloutRequest", SampleEvents::rolloutRequest),
            Map.entry("RolloutResult", SampleEvents::rolloutResult),
            Map.entry("UpdateRequest", SampleEvents::updateRequest),
            Map.entry("UpdateResult", SampleEvents::updateResult),
            Map.entry("ExportRequest", SampleEvents::exportRequest),
            Map.entry("ExportResult", SampleEvents::exportResult),
            Map.entry("EvalRequest", SampleEvents::evalRequest),
            Map.entry("EvalResult", SampleEvents::evalResult),
            Map.entry("ServeRequest", SampleEvents::serveRequest),
            Map.entry("ServeResult", SampleEvents::serveResult),
            Map.entry("RollbackRequest", SampleEvents::rollbackRequest),
            Map.entry("RollbackResult", SampleEvents::rollbackResult),
            Map.entry("InferenceRequest", SampleEvents::inferenceRequest),
            Map.entry("InferenceResponse", SampleEvents::inferenceResponse),
            Map.entry("InferenceChunk", SampleEvents::inferenceChunk),
            Map.entry("AdapterPin", SampleEvents::adapterPin),
            Map.entry("AdapterPinResult", SampleEvents::adapterPinResult),
            Map.entry("WorkItem", SampleEvents::workItem),
            Map.entry("PackDone", SampleEvents::packDone),
            Map.entry("WorkerStatus", SampleEvents::workerStatus),
            Map.entry("Metric", SampleEvents::metric),
            Map.entry("PolicyView", SampleEvents::policyView),
            Map.entry("WorkerView", SampleEvents::workerView),
            Map.entry("Alert", SampleEvents::alert),
            Map.entry("CatalogEntry", SampleEvents::catalogEntry),
            Map.entry("CatalogRevision", SampleEvents::catalogRevision),
            Map.entry("PointerMoved", SampleEvents::pointerMoved),
            Map.entry("RevisionRetired", SampleEvents::revisionRetired),
            Map.entry("TrainingRequest", SampleEvents::trainingRequest),
            Map.entry("TrainingReply", SampleEvents::trainingReply),
            Map.entry("DatasetExample", SampleEvents::datasetExample),
            Map.entry("Feedback", SampleEvents::feedback),
            Map.entry("FeedbackExample", SampleEvents::feedbackExample),
            Map.entry("DeadLetter", SampleEvents::deadLetter));

    private SampleEvents() {
    }

    /** A sample value for this topic, about the given policy, stamped now (to the millisecond Avro keeps). */
    public static SpecificRecord sample(TopicSpec topic, String policyId) {
        String record = topic.valueRecord().substring(topic.valueRecord().lastIndexOf('.') + 1);
        BiFunction<String, Instant, SpecificRecord> factory = BY_RECORD.get(record);
        if (factory == null) {
            throw new IllegalArgumentException("no sample for record " + topic.valueRecord() + " of topic " + topic.name());
        }
        return factory.apply(policyId, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Maps in key order, so a sample encodes (and prints) the same way every time. */
    private static <V> Map<String, V> sorted(Object... keysAndValues) {
        Map<String, V> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            V value = (V) keysAndValues[i + 1];
            map.put((String) keysAndValues[i], value);
        }
        return map;
    }

    private static SpecificRecord datasetExample(String policyId, Instant now) {
        return ai.mint.events.DatasetExample.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setDataset("arithmetic").setKind(ai.mint.events.DatasetKind.PREFERENCE).setPrompt(PROMPTS.get(0))
                .setChosen("42").setRejected("41").setSourceFile("prefs/part-0.jsonl").setSourceLine(7).build();
    }

    private static SpecificRecord feedback(String policyId, Instant now) {
        return ai.mint.events.Feedback.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRequestId("req-" + policyId + "-1").setTenant("acme").setScore(1.0).setPreferredCompletion("42")
                .setSource("gateway").build();
    }

    private static SpecificRecord feedbackExample(String policyId, Instant now) {
        return ai.mint.events.FeedbackExample.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRequestId("req-" + policyId + "-1").setRevision(REVISION).setPromptTokens(List.of(2061, 318, 1596))
                .setCompletionTokens(List.of(2983, 13)).setLogprobs(List.of(-0.21f, -0.05f)).setReward(1.0)
                .setFeedbackTime(now.toEpochMilli()).setPreferredCompletion(null).build();
    }

    private static String eventId() {
        return UUID.randomUUID().toString();
    }

    private static String correlation(String policyId, String stage) {
        return policyId + "-" + stage + "-" + REVISION;
    }

    static LoraSpec lora() {
        return LoraSpec.newBuilder().setRank(8).setAlpha(16.0).setTargetModules(TARGET_MODULES).setDropout(0.05).setSeed(7L).build();
    }

    static EvalSpec evalSpec() {
        return EvalSpec.newBuilder().setPrompts(PROMPTS).setSamplesPerPrompt(4).setMetric("mean_reward").build();
    }

    static SamplingParams sampling() {
        return SamplingParams.newBuilder().setMaxTokens(64).setTemperature(0.8).setTopP(0.95).setSeed(42L)
                .setStop(List.of("\n\n")).build();
    }

    static List<Trajectory> trajectories() {
        return List.of(
                Trajectory.newBuilder().setPromptIndex(0).setPromptTokens(List.of(1, 3923, 374, 220, 1114))
                        .setCompletionTokens(List.of(2983, 13)).setCompletionText("42.")
                        .setLogprobs(List.of(-0.21f, -0.05f)).setReward(1.0).setRewardError(null).build(),
                Trajectory.newBuilder().setPromptIndex(0).setPromptTokens(List.of(1, 3923, 374, 220, 1114))
                        .setCompletionTokens(List.of(3174)).setCompletionText("41")
                        .setLogprobs(List.of(-1.7f)).setReward(null)
                        .setRewardError("reward spec: answer field missing").build());
    }

    private static SpecificRecord policySpec(String policyId, Instant now) {
        return PolicySpec.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setBaseModel(BASE_MODEL).setLora(lora())
                .setRewardSpec("{\"type\":\"exact_match\",\"answers\":[\"42\",\"101\"]}")
                .setTraining(TrainingSpec.newBuilder().setPrompts(PROMPTS).setGroupSize(4).setSteps(20)
                        .setLearningRate(1e-4).setMaxTokens(64).setTemperature(1.0).setKlCoef(0.02).setSeed(7L).build())
                .setEval(evalSpec())
                .setGate(PromotionGate.newBuilder().setMetric("mean_reward").setMinScore(0.6).setMinImprovement(0.01).build())
                .setRegressionGuard(RegressionGuard.newBuilder().setMetric("reward.live").setMaxDrop(0.1).setWindow(50).build())
                .setLabels(sorted("team", "math", "owner", "alice"))
                .setStatus(PolicyStatus.ACTIVE).build();
    }

    private static SpecificRecord rolloutRequest(String policyId, Instant now) {
        return RolloutRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "rollout")).setProducedBy("trainer-app")
                .setRevision(PARENT).setPrompts(PROMPTS).setGroupSize(4).setSampling(sampling()).build();
    }

    private static SpecificRecord rolloutResult(String policyId, Instant now) {
        return RolloutResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "rollout")).setProducedBy("worker-0")
                .setRevision(PARENT).setTrajectories(trajectories()).setError(null).build();
    }

    private static SpecificRecord updateRequest(String policyId, Instant now) {
        return UpdateRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "update")).setProducedBy("trainer-app")
                .setBaseRevision(PARENT).setTrajectories(trajectories()).setLossFn("grpo")
                .setAdam(AdamParams.newBuilder().setLearningRate(1e-4).setBeta1(0.9).setBeta2(0.999).setEps(1e-8)
                        .setWeightDecay(0.0).setGradClip(1.0).build())
                .setStep(1).build();
    }

    private static SpecificRecord updateResult(String policyId, Instant now) {
        return UpdateResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "update")).setProducedBy("worker-0")
                .setBaseRevision(PARENT).setNewRevision(REVISION).setStep(1).setLoss(0.6931).setMeanReward(0.5)
                .setRewardStd(0.5).setGradNorm(0.82).setKl(0.0013)
                .setStateUri("file:///var/mint/state/" + policyId + "/r1").setError(null).build();
    }

    private static SpecificRecord exportRequest(String policyId, Instant now) {
        return ExportRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "export")).setProducedBy("catalog-app")
                .setRevision(REVISION).setStateUri("file:///var/mint/state/" + policyId + "/r1").build();
    }

    private static SpecificRecord exportResult(String policyId, Instant now) {
        return ExportResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "export")).setProducedBy("worker-0")
                .setRevision(REVISION).setParentRevision(PARENT).setStep(1).setBaseModel(BASE_MODEL)
                .setAdapterUri(String.format(ADAPTER_URI, policyId)).setSha256(SHA256).setBytes(262_144L)
                .setRank(8).setAlpha(16.0).setTargetModules(TARGET_MODULES).setTtlMs(7L * 24 * 3600 * 1000)
                .setError(null).build();
    }

    private static SpecificRecord evalRequest(String policyId, Instant now) {
        return EvalRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "eval")).setProducedBy("catalog-app")
                .setRevision(REVISION).setAdapterUri(String.format(ADAPTER_URI, policyId)).setSha256(SHA256)
                .setEval(evalSpec()).build();
    }

    private static SpecificRecord evalResult(String policyId, Instant now) {
        return EvalResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "eval")).setProducedBy("worker-1")
                .setRevision(REVISION).setScores(sorted("mean_reward", 0.75, "pass_rate", 0.625)).setSamples(8)
                .setError(null).build();
    }

    private static SpecificRecord serveRequest(String policyId, Instant now) {
        return ServeRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "serve")).setProducedBy("catalog-app")
                .setRevision(REVISION).setReason("eval gate passed: mean_reward 0.75 >= 0.6")
                .setRequestedBy("catalog-app").build();
    }

    private static SpecificRecord serveResult(String policyId, Instant now) {
        return ServeResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "serve")).setProducedBy("catalog-app")
                .setRevision(REVISION).setFromRevision(PARENT).setAccepted(true).setReason("promoted").build();
    }

    private static SpecificRecord rollbackRequest(String policyId, Instant now) {
        return RollbackRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "rollback")).setProducedBy("alice")
                .setTargetRevision(PARENT).setReason("live reward dropped 0.15 below eval score")
                .setRequestedBy("alice").build();
    }

    private static SpecificRecord rollbackResult(String policyId, Instant now) {
        return RollbackResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "rollback")).setProducedBy("catalog-app")
                .setFromRevision(REVISION).setToRevision(PARENT).setAccepted(true).setReason("rolled back").build();
    }

    private static SpecificRecord inferenceRequest(String policyId, Instant now) {
        return InferenceRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRequestId("req-" + policyId + "-1").setRevision(REVISION).setTenant("acme")
                .setPrompt("What is 17 + 25?").setSampling(sampling()).setReplyTopic(Topics.INFERENCE_RESPONSES.name())
                .build();
    }

    private static SpecificRecord inferenceResponse(String policyId, Instant now) {
        return InferenceResponse.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRequestId("req-" + policyId + "-1").setRevision(REVISION).setWorkerId("worker-0")
                .setCompletionText("42.").setCompletionTokens(List.of(2983, 13)).setLogprobs(List.of(-0.21f, -0.05f))
                .setFinishReason("stop").setLatencyMs(37L).setError(null).setPromptTokens(3)
                .setPromptTokenIds(List.of(2061, 318, 1596)).build();
    }

    private static SpecificRecord inferenceChunk(String policyId, Instant now) {
        return InferenceChunk.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRequestId("req-" + policyId + "-1").setRevision(REVISION).setWorkerId("worker-0").setIndex(0)
                .setTokenIds(List.of(2983)).setLogprobs(List.of(-0.21f)).setTextDelta("42").setFinishReason(null)
                .build();
    }

    private static SpecificRecord adapterPin(String policyId, Instant now) {
        return AdapterPin.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now).setRevision(REVISION)
                .setAdapter(policyId + "@" + REVISION).setPinned(true).setCorrelationId("corr-" + policyId)
                .setRequestedBy("ops").setReason("keep the champion hot").build();
    }

    private static SpecificRecord adapterPinResult(String policyId, Instant now) {
        return AdapterPinResult.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId("corr-" + policyId).setRevision(REVISION).setWorkerId("worker-0").setPinned(true)
                .setAccepted(true).setReason("resident on the device, 262144 bytes").setBytes(262_144L).build();
    }

    private static SpecificRecord workerStatus(String policyId, Instant now) {
        ResidentAdapter resident = ResidentAdapter.newBuilder().setPolicyId(policyId).setRevision(REVISION)
                .setBytes(262_144L).setRank(8).setTier(AdapterTier.DEVICE).setLastUsedMs(now.toEpochMilli())
                .setState(AdapterState.READY).setPinned(true).setError(null).build();
        ResidentAdapter spilled = ResidentAdapter.newBuilder().setPolicyId(policyId).setRevision(PARENT)
                .setBytes(262_144L).setRank(8).setTier(AdapterTier.CPU).setLastUsedMs(now.toEpochMilli() - 60_000)
                .setState(AdapterState.FAILED).setPinned(false).setError("sha-256 mismatch").build();
        return WorkerStatus.newBuilder().setEventId(eventId()).setPolicyId("").setTime(now)
                .setWorkerId("worker-0").setRoles(List.of("rollout", "update", "inference")).setBaseModel(BASE_MODEL)
                .setDevice("cpu").setResidentAdapters(List.of(resident, spilled)).setCapacityBytes(1L << 30)
                .setUsedBytes(524_288L).setQueueDepth(3).setLoad(0.42).setInstanceId("run-7f3a")
                .setWorkTopic(Topics.workTopic("worker-0").name()).setLeaving(false).setQueueCapacity(64)
                .setCpuCapacityBytes(2L << 30).setCpuUsedBytes(262_144L).setHeartbeatIntervalMs(1000).build();
    }

    private static SpecificRecord workItem(String policyId, Instant now) {
        InferenceRequest request = (InferenceRequest) inferenceRequest(policyId, now);
        return WorkItem.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setPackId("pack-" + policyId + "-1").setKind(WorkKind.PACK).setWorkerId("worker-0")
                .setWorkerInstance("run-7f3a").setRevision(REVISION).setAdapterUri(String.format(ADAPTER_URI, policyId))
                .setSha256(SHA256).setAdapterBytes(262_144L).setRequests(List.of(request)).setAttempt(2)
                .setProducedBy("mint-scheduler").build();
    }

    private static SpecificRecord packDone(String policyId, Instant now) {
        return PackDone.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setPackId("pack-" + policyId + "-1").setWorkerId("worker-0").setWorkerInstance("run-7f3a")
                .setRequestIds(List.of("req-" + policyId + "-1")).build();
    }

    private static SpecificRecord metric(String policyId, Instant now) {
        return Metric.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setName("reward.mean").setValue(0.75).setRevision(REVISION)
                .setTags(sorted("stage", "rollout", "worker", "worker-0")).setSource("worker-0").build();
    }

    private static SpecificRecord policyView(String policyId, Instant now) {
        return ai.mint.events.PolicyView.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setWindowStart(now.minusSeconds(12)).setWindowEnd(now.minusSeconds(2)).setRequests(40).setErrors(2)
                .setRequestsPerSecond(4.0).setErrorRate(0.05).setLatencyP50Ms(120.0).setLatencyP99Ms(480.0)
                .setLatencyMaxMs(495).setLatencyRelativeAccuracy(0.01).setCompletionTokens(640)
                .setTokensPerSecond(64.0).setRewardMean(0.7).setRewardCount(38).setDeadLetters(1)
                .setDeadLettersByReason(sorted("UNDESERIALIZABLE", 1L)).setLateEvents(0).build();
    }

    private static SpecificRecord workerView(String policyId, Instant now) {
        return ai.mint.events.WorkerView.newBuilder().setEventId(eventId()).setPolicyId("").setTime(now)
                .setWorkerId("worker-0").setInstanceId("run-7f3a").setRoles(List.of("inference"))
                .setDevice("cpu").setResidentAdapters(List.of(policyId + "@" + REVISION + ":DEVICE"))
                .setQueueDepth(3).setQueueCapacity(32).setLoad(0.25).setLastSeen(now.minusSeconds(1))
                .setHeartbeats(10).setLeaving(false).build();
    }

    private static SpecificRecord alert(String policyId, Instant now) {
        return ai.mint.events.Alert.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setWorkerId(null).setKind(ai.mint.events.AlertKind.LATENCY_HIGH).setValue(5200.0)
                .setThreshold(5000.0).setThresholdSource("alert.latency.p99.above.ms")
                .setWindowStart(now.minusSeconds(12)).setWindowEnd(now.minusSeconds(2))
                .setMessage("latency p99 5200 ms above 5000 ms").build();
    }

    private static RevisionInfo parentRevision(String policyId, Instant now) {
        return RevisionInfo.newBuilder().setRevision(PARENT).setParentRevision(null).setStep(0)
                .setAdapterUri("file:///var/mint/adapters/" + policyId + "/r0").setSha256(SHA256.replace('9', '1'))
                .setBytes(262_144L).setRank(8).setState(RevisionState.RETIRED)
                .setEvalScores(sorted("mean_reward", 0.61)).setCreatedAt(now.minusSeconds(600))
                .setProducedBy("worker-0").setServed(true).setStateUri("file:///var/mint/state/" + policyId + "/r0")
                .setExpiresAt(now.plusSeconds(86_400).toEpochMilli()).setRetiredAt(null).build();
    }

    private static RevisionInfo currentRevision(String policyId, Instant now) {
        return RevisionInfo.newBuilder().setRevision(REVISION).setParentRevision(PARENT).setStep(1)
                .setAdapterUri(String.format(ADAPTER_URI, policyId)).setSha256(SHA256).setBytes(262_144L).setRank(8)
                .setState(RevisionState.SERVING).setEvalScores(sorted("mean_reward", 0.75))
                .setCreatedAt(now.minusSeconds(60)).setProducedBy("worker-0").setServed(true)
                .setStateUri("file:///var/mint/state/" + policyId + "/r1").setExpiresAt(null)
                .setRetiredAt(now.minusSeconds(1).toEpochMilli()).build();
    }

    private static PointerMove promotion(Instant now) {
        return PointerMove.newBuilder().setTime(now.minusSeconds(30)).setFrom(PARENT).setTo(REVISION)
                .setKind(PointerMoveKind.PROMOTE).setReason("eval gate passed").setRequestedBy("catalog-app").build();
    }

    private static SpecificRecord catalogEntry(String policyId, Instant now) {
        List<PointerMove> history = List.of(
                PointerMove.newBuilder().setTime(now.minusSeconds(300)).setFrom(null).setTo(PARENT)
                        .setKind(PointerMoveKind.PROMOTE).setReason("first revision").setRequestedBy("alice").build(),
                promotion(now));
        return CatalogEntry.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setSpec((PolicySpec) policySpec(policyId, now))
                .setRevisions(List.of(parentRevision(policyId, now), currentRevision(policyId, now)))
                .setServingRevision(REVISION).setHistory(history).setUpdatedAt(now)
                .setVersion(9L).setRevisionCount(2).setHistoryCount(2).build();
    }

    private static SpecificRecord catalogRevision(String policyId, Instant now) {
        return CatalogRevision.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRevision(currentRevision(policyId, now)).setEntryVersion(9L).build();
    }

    private static SpecificRecord pointerMoved(String policyId, Instant now) {
        return PointerMoved.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setSequence(2).setMove(promotion(now)).build();
    }

    private static SpecificRecord revisionRetired(String policyId, Instant now) {
        return RevisionRetired.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setRevision(PARENT).setReason(RetirementReason.KEEP_LAST)
                .setAdapterUri("file:///var/mint/adapters/" + policyId + "/r0").setSha256(SHA256.replace('9', '1'))
                .setStateUri("file:///var/mint/state/" + policyId + "/r0").setRemoveAfter(now.plusSeconds(86_400))
                .build();
    }

    private static SpecificRecord trainingRequest(String policyId, Instant now) {
        TrainingDatum datum = TrainingDatum.newBuilder().setInputTokens(List.of(1, 3923, 374)).setTargetTokens(List.of(3923, 374, 13))
                .setWeights(List.of(0f, 1f, 1f)).setSamplingLogprobs(List.of(0f, -0.4f, -1.2f))
                .setAdvantages(List.of(0f, 0.5f, 0.5f)).build();
        return TrainingRequest.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "forward-backward")).setProducedBy("mint-client-1a2b3c4d")
                .setReplyTopic(Topics.replies("mint-client-1a2b3c4d").name()).setStateVersion(3L)
                .setForwardBackward(ForwardBackwardCall.newBuilder().setData(List.of(datum)).setLossFn("ppo")
                        .setLoss(LossParams.newBuilder().setClipLow(0.2).setClipHigh(0.28).setKlBeta(0.01).setDroBeta(0.05)
                                .build())
                        .setBackward(true).build())
                .build();
    }

    private static SpecificRecord trainingReply(String policyId, Instant now) {
        return TrainingReply.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setCorrelationId(correlation(policyId, "save-state")).setProducedBy("worker-0").setStateVersion(3L)
                .setError(null).setRetriable(false)
                .setForwardBackward(ForwardBackwardReply.newBuilder().setLoss(0.69).setMetrics(sorted("tokens", 2.0))
                        .setLogprobs(List.of(List.of(-2.1f, -0.4f, -1.2f))).build())
                .setCheckpoint(CheckpointInfo.newBuilder().setUri("mint://" + policyId + "/state/warm-start")
                        .setKind("state").setName("warm-start").setBytes(98_304L).setSha256(SHA256)
                        .setCreatedAt(now.toEpochMilli()).setExpiresAt(now.toEpochMilli() + 86_400_000L)
                        .setStateVersion(3L).build())
                .build();
    }

    private static SpecificRecord deadLetter(String policyId, Instant now) {
        return DeadLetter.newBuilder().setEventId(eventId()).setPolicyId(policyId).setTime(now)
                .setSourceTopic(Topics.SERVE_REQUESTS.name()).setSourcePartition(1).setSourceOffset(1234L)
                .setKey(ByteBuffer.wrap(policyId.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 7, 2, 'x'}))
                .setErrorClass("ai.mint.catalog.IllegalTransitionException")
                .setReason("cannot serve r1: its eval failed").setApp("catalog-app").build();
    }
}
