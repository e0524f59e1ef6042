package ai.mint.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import ai.mint.cli.MintCli;
import ai.mint.engine.model.BaseModelInitializer;
import ai.mint.engine.model.TestModels;
import ai.mint.engine.safetensors.DType;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mint recipe sft|rl --local} on a micro base: they run through the API, print their curve and a check. */
class RecipeCommandTest {

    @TempDir
    Path dir;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MintCli.commandLine(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true)).execute(args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        System.out.print(out); // the curve and check, for the test report
        return out.toString();
    }

    private Path base() {
        Path base = dir.resolve("micro");
        BaseModelInitializer.write(base, TestModels.microDense(), 11L, DType.F32);
        return base;
    }

    @Test
    void shouldLowerTheLossOfSupervisedFineTuningAndEndWithASampledCheck() throws Exception {
        Path data = dir.resolve("pairs.jsonl");
        Files.write(data, List.of("{\"prompt\": \"ab\", \"completion\": \" cd\"}", "",
                "{\"prompt\": \"ef\", \"completion\": \" gh\"}"));

        String out = run("recipe", "sft", "--local", base().toString(), "--data", data.toString(), "--steps", "8",
                "--batch", "2", "--rank", "4");

        Matcher curve = Pattern.compile("loss curve  \\S+  ([0-9.]+) -> ([0-9.]+)").matcher(out);
        assertThat(curve.find()).as(out).isTrue();
        assertThat(Double.parseDouble(curve.group(2))).isLessThan(Double.parseDouble(curve.group(1)));
        assertThat(out).contains("step   8  loss").contains("check  \"ab\" -> ").contains("exported mint://");
    }

    @Test
    void shouldRunAGrpoLoopWithARewardSpecAndPrintTheRewardOfEveryStep() {
        String out = run("recipe", "rl", "--local", base().toString(), "--reward",
                "{\"type\":\"length_target\",\"target\":3,\"unit\":\"tokens\"}", "--prompts", "ab|cd", "--steps", "3",
                "--group", "3", "--max-tokens", "4", "--rank", "4");

        assertThat(out).contains("step   1  mean reward").contains("step   3  mean reward").contains("reward curve")
                .contains("check  \"ab\" -> ").contains("check  \"cd\" -> ").contains("exported mint://");
    }

    @Test
    void shouldRefuseADataFileWithoutCompletionsNamingTheLine() throws Exception {
        Path data = dir.resolve("bad.jsonl");
        Files.write(data, List.of("{\"prompt\": \"ab\", \"completion\": \" cd\"}", "{\"prompt\": \"ef\"}"));

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SftRecipe.read(data)))
                .hasMessageContaining("line 2").hasMessageContaining("\"completion\"");
    }
}
