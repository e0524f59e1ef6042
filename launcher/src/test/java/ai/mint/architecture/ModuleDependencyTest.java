package ai.mint.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The allowed arrows between modules and features, checked on the compiled main classes of every module (the launcher
 * sees them all). A wrong import fails here with the offending class and line, before it can creep into a design.
 *
 * <pre>
 *   launcher ──> client ──> api
 *      │           └──────> common ──> schemas
 *      ├──> gateway ──> common
 *      ├──> stream-apps ──> common
 *      ├──> gpu-consumers ──> api, common
 *      └──> connect (the Connect plugin) ──> common
 * </pre>
 * Inside gpu-consumers only {@code ai.mint.engine} uses DJL, and the rest reaches the engine through its DJL-free
 * types alone.
 */
class ModuleDependencyTest {

    private static final String SCHEMAS = "Schemas";
    private static final String COMMON = "Common";
    private static final String API = "Api";
    private static final String CLIENT = "Client";
    private static final String GATEWAY = "Gateway";
    private static final String STREAM_APPS = "StreamApps";
    private static final String GPU_CONSUMERS = "GpuConsumers";
    private static final String CONNECT = "Connect";
    private static final String LAUNCHER = "Launcher";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ai.mint");
    }

    @Test
    void modulesDependOnlyOnTheModulesBelowThem() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer(SCHEMAS).definedBy("ai.mint.events..", "ai.mint.topics..", "ai.mint.registry..",
                        "ai.mint.serde..", "ai.mint.schemas..")
                .layer(COMMON).definedBy("ai.mint.common..")
                .layer(API).definedBy("ai.mint.api..")
                .layer(CLIENT).definedBy("ai.mint.client..")
                .layer(GATEWAY).definedBy("ai.mint.gateway..")
                .layer(STREAM_APPS).definedBy("ai.mint.catalog..", "ai.mint.orchestration..", "ai.mint.scheduling..",
                        "ai.mint.streams..")
                .layer(GPU_CONSUMERS).definedBy("ai.mint.engine..", "ai.mint.training..", "ai.mint.worker..")
                .layer(CONNECT).definedBy("ai.mint.connect..")
                .layer(LAUNCHER).definedBy("ai.mint.cli..", "ai.mint.platform..", "ai.mint.quickstart..",
                        "ai.mint.chaos..", "ai.mint.soak..",
                        "ai.mint.lifecycle..", "ai.mint.recipe..")
                .whereLayer(LAUNCHER).mayNotBeAccessedByAnyLayer()
                .whereLayer(CLIENT).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(GATEWAY).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(STREAM_APPS).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(GPU_CONSUMERS).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(CONNECT).mayOnlyBeAccessedByLayers(LAUNCHER)
                .whereLayer(API).mayOnlyBeAccessedByLayers(CLIENT, GPU_CONSUMERS, LAUNCHER)
                .whereLayer(COMMON).mayOnlyBeAccessedByLayers(CLIENT, GATEWAY, STREAM_APPS, GPU_CONSUMERS, CONNECT,
                        LAUNCHER)
                .whereLayer(SCHEMAS).mayOnlyBeAccessedByLayers(COMMON, CLIENT, GATEWAY, STREAM_APPS, GPU_CONSUMERS,
                        CONNECT, LAUNCHER);
        rule.check(classes);
    }

    @Test
    void theApiContractDependsOnNothingButTheJdk() {
        noClasses().that().resideInAPackage("ai.mint.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "ai.mint.api..")
                .because("training and the client share it; it must not pull either's dependencies into the other")
                .check(classes);
    }

    @Test
    void theClientNeverTouchesTheModelEngine() {
        noClasses().that().resideInAPackage("ai.mint.client..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.kafka.streams..")
                .check(classes);
    }

    @Test
    void theGatewayNeverTouchesTheModelEngineOrKafkaStreams() {
        noClasses().that().resideInAPackage("ai.mint.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.kafka.streams..")
                .because("the gateway talks to workers and the catalog over topics and HTTP only")
                .check(classes);
    }

    @Test
    void onlyTheEngineTouchesDjl() {
        noClasses().that().resideOutsideOfPackage("ai.mint.engine..")
                .should().dependOnClassesThat().resideInAPackage("ai.djl..")
                .because("training and the worker use the engine through its own small interface (TrainableEngine)")
                .check(classes);
    }

    /**
     * The engine's own types that hold device state (DecoderModel, LoraBank, DeviceAdapter, WorkingSet, LoraDelta,
     * KvCache, LoraEngine, ...) are exactly those that use DJL directly: none of them may be reached from outside. What
     * the rest uses is DJL-free: the interfaces (Engine, TrainableEngine, TrainablePolicy), their value types, and host
     * data (ModelConfig, Projection, LoraWeights, PEFT and safetensors files).
     */
    @Test
    void nothingOutsideTheEngineReachesItsDeviceTypesOrInternals() {
        DescribedPredicate<JavaClass> deviceTypes = new DescribedPredicate<>("engine classes that use DJL directly") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().startsWith("ai.mint.engine") && c.getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("ai.djl"));
            }
        };
        // the predicate really picks the device types (so the rule below cannot pass vacuously)
        assertThat(classes.stream().filter(deviceTypes::test).map(JavaClass::getSimpleName))
                .contains("DecoderModel", "LoraBank", "DeviceAdapter", "WorkingSet", "LoraDelta", "LoraEngine")
                .doesNotContain("TrainableEngine", "ModelConfig", "LoraWeights", "Projection", "PeftAdapterIo");
        noClasses().that().resideOutsideOfPackage("ai.mint.engine..")
                .should().dependOnClassesThat(deviceTypes)
                .orShould().dependOnClassesThat().resideInAnyPackage("ai.mint.engine.train..",
                        "ai.mint.engine.generate..")
                .because("the model, its LoRA device factors and the training step stay behind TrainableEngine")
                .check(classes);
    }

    /** Issue 9: no production code path steps, saves or restores policies outside the one training service. */
    @Test
    void onlyTheTrainingServiceTrainsPolicies() {
        Set<String> trainingMethods = Set.of("createPolicy", "forwardBackward", "optimStep", "discardGradients",
                "saveTrainingState", "readTrainingState", "restoreTrainingState", "exportWeights");
        DescribedPredicate<JavaMethodCall> trainingCall = new DescribedPredicate<>("a training method of the engine") {
            @Override
            public boolean test(JavaMethodCall call) {
                return call.getTargetOwner().isAssignableTo("ai.mint.engine.TrainableEngine")
                        && trainingMethods.contains(call.getName());
            }
        };
        noClasses().that().resideOutsideOfPackages("ai.mint.engine..", "ai.mint.training.service..")
                .should().callMethodWhere(trainingCall)
                .because("the worker, the Tinker API and the benchmarks train through TrainingService")
                .check(classes);
    }

    @Test
    void featuresDoNotFormCycles() {
        slices().matching("ai.mint.(*)..").should().beFreeOfCycles().check(classes);
    }
}
