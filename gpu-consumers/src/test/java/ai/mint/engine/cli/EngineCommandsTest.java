package ai.mint.engine.cli;

import ai.mint.engine.lora.LoraWeights;
import ai.mint.engine.lora.PeftAdapterIo;
import ai.mint.engine.model.ModelConfig;
import ai.mint.engine.model.Projection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `mint base init` then `mint generate --json`, through picocli as the launcher will run them. */
class EngineCommandsTest {

    @TempDir
    Path dir;

    private String run(Object command, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(command).execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void initTinyBaseThenGenerateJsonWithAndWithoutAdapter() throws Exception {
        Path base = dir.resolve("tiny");
        String init = run(new BaseCommand(), "init", base.toString(), "--preset", "tiny", "--seed", "1",
                "--dtype", "BF16");
        assertThat(init).contains("qwen2").contains("parameters");
        assertThat(base.resolve("tokenizer.json")).exists();
        ModelConfig c = ModelConfig.read(base.resolve("config.json"));
        PeftAdapterIo.write(dir.resolve("adapter"), LoraWeights.random(c, Projection.allOn(c), 4, 8f,
                2, true), c);
        ObjectMapper json = new ObjectMapper();
        JsonNode plain = json.readTree(run(new GenerateCommand(), "--base", base.toString(), "--prompt", "Hi there",
                "--max-tokens", "5", "--temperature", "0.8", "--seed", "3", "--json"));
        assertThat(plain.get("prompt_token_ids")).as("BOS from config.json, then 8 bytes").hasSize(9);
        assertThat(plain.get("prompt_token_ids").get(0).asInt()).isEqualTo(c.bosTokenId());
        assertThat(plain.get("prompt_token_ids").get(1).asInt()).isEqualTo('H');
        assertThat(plain.get("token_ids").size()).isBetween(1, 5);
        assertThat(plain.get("logprobs").size()).isEqualTo(plain.get("token_ids").size());
        plain.get("logprobs").forEach(lp -> assertThat(lp.asDouble()).isLessThanOrEqualTo(0));
        JsonNode again = json.readTree(run(new GenerateCommand(), "--base", base.toString(), "--prompt", "Hi there",
                "--max-tokens", "5", "--temperature", "0.8", "--seed", "3", "--json"));
        assertThat(again.get("token_ids")).isEqualTo(plain.get("token_ids"));
        JsonNode adapted = json.readTree(run(new GenerateCommand(), "--base", base.toString(), "--adapter",
                dir.resolve("adapter").toString(), "--prompt", "Hi there", "--max-tokens", "5", "--temperature",
                "0.8", "--seed", "3", "--json"));
        assertThat(adapted.get("logprobs")).isNotEqualTo(plain.get("logprobs"));
    }

    /** `--arch deepseek-v3` / `deepseek-v3.2` make a base that loads and generates, and report the latent cache. */
    @Test
    void initDeepseekBasesReportTheirLatentCacheAndGenerate() throws Exception {
        for (String arch : List.of("deepseek-v3", "deepseek-v3.2")) {
            Path base = dir.resolve(arch);
            String init = run(new BaseCommand(), "init", base.toString(), "--arch", arch, "--seed", "2");
            assertThat(init).contains(arch.equals("deepseek-v3") ? "deepseek_v3" : "deepseek_v32")
                    .contains("KV cache per token").contains("plain multi-head attention");
            JsonNode out = new ObjectMapper().readTree(run(new GenerateCommand(), "--base", base.toString(), "--prompt",
                    "Hi", "--max-tokens", "4", "--json"));
            assertThat(out.get("token_ids").size()).isBetween(1, 4);
        }
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BaseCommand());
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("init", dir.resolve("x").toString(), "--arch", "gpt5")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown architecture 'gpt5'").contains("deepseek-v3.2");
    }

    @Test
    void presetIsCaseInsensitiveAndABadDtypeIsReportedOnPicocliErrorStream() {
        String init = run(new BaseCommand(), "init", dir.resolve("t").toString(), "--preset", "TiNy");
        assertThat(init).contains("wrote tiny base");
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new BaseCommand());
        cli.setErr(new java.io.PrintWriter(err));
        assertThat(cli.execute("init", dir.resolve("u").toString(), "--dtype", "I64")).isEqualTo(2);
        assertThat(err.toString()).contains("'I64' is not F32, F16 or BF16");
        assertThat(cli.execute("init", dir.resolve("u").toString(), "--preset", "huge")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown preset 'huge'");
        assertThat(dir.resolve("u")).doesNotExist();
    }

    @Test
    void pretrainRefusesAnUnknownPresetOrCorpusBeforeFetchingAnything() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new BaseCommand());
        cli.setErr(new java.io.PrintWriter(err));
        Path cache = dir.resolve("corpus");
        assertThat(cli.execute("pretrain", "--preset", "huge", "--out", dir.resolve("p").toString(),
                "--corpus-dir", cache.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown pretraining preset 'huge'").contains("small, micro");
        assertThat(cli.execute("pretrain", "--corpus", "wiki", "--out", dir.resolve("p").toString(),
                "--corpus-dir", cache.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown corpus 'wiki' (expected brown)");
        assertThat(cache).doesNotExist();
        assertThat(dir.resolve("p")).doesNotExist();
    }
}
