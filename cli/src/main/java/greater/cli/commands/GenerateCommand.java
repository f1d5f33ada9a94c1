package greater.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.infer.GenerationOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code greater generate}: greedy (default) or sampled continuation with a KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a continuation (greedy unless --temperature is given).")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TokenInput input;

    @Option(names = "--chat", description = "Render the text as one user turn with the chat template and the generation prompt.")
    boolean chat;

    @Option(names = "--max-new-tokens", required = true, paramLabel = "N", description = "Most tokens to generate.")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default).")
    float temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Nucleus mass when sampling (default 1).")
    float topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed.")
    long seed;

    @Option(names = "--json", description = "Print one JSON line {\"ids\": [new ids], \"text\": ...}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (maxNewTokens < 1) throw new UserInputException("--max-new-tokens must be >= 1, got " + maxNewTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new UserInputException("--temperature must be a number >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new UserInputException("--top-p must be in (0, 1], got " + topP);
        try (LanguageModel lm = model.load()) {
            int[] prompt = input.ids(lm, chat);
            var options = new GenerationOptions(maxNewTokens, temperature, topP, seed, lm.stopIds());
            int[] out = lm.generator().generate(prompt, options);
            String text = lm.tokenizer().map(t -> t.decode(out, true)).orElse(null);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ids", out);
                if (text != null) m.put("text", text);
                System.out.println(new ObjectMapper().writeValueAsString(m));
            } else {
                System.out.println(text != null ? text : IdList.json(out));
            }
        }
        return 0;
    }
}
