package greater.transformer.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder families we run, keyed by config.json's {@code model_type}. They share one forward
 * pass; what differs is captured by the switches of {@link ModelConfig}.
 */
public enum Architecture {
    LLAMA("llama", "LlamaForCausalLM"),
    MISTRAL("mistral", "MistralForCausalLM"),
    QWEN2("qwen2", "Qwen2ForCausalLM"),
    GEMMA("gemma", "GemmaForCausalLM"),
    GEMMA2("gemma2", "Gemma2ForCausalLM"),
    QWEN3("qwen3", "Qwen3ForCausalLM"),
    /** Gemma-3 text models (270M, 1B); the multimodal 4B+ checkpoints ({@code gemma3}) load their language model as this. */
    GEMMA3("gemma3_text", "Gemma3ForCausalLM"),
    SMOLLM3("smollm3", "SmolLM3ForCausalLM"),
    /** Phi-3 and Phi-4-mini. */
    PHI3("phi3", "Phi3ForCausalLM"),
    OLMO2("olmo2", "Olmo2ForCausalLM"),
    GRANITE("granite", "GraniteForCausalLM");

    public final String modelType;
    public final String hfClass;

    Architecture(String modelType, String hfClass) {
        this.modelType = modelType;
        this.hfClass = hfClass;
    }

    public boolean isGemma() {
        return this == GEMMA || this == GEMMA2 || this == GEMMA3;
    }

    /** The architecture of {@code modelType}, or a {@link ModelConfigException} listing the supported ones. */
    public static Architecture fromModelType(String modelType, String file) {
        for (Architecture a : values()) if (a.modelType.equals(modelType)) return a;
        throw new ModelConfigException(file + ": unknown model_type '" + modelType + "'; supported: " + supported());
    }

    public static String supported() {
        return Arrays.stream(values()).map(a -> a.modelType + " (" + a.hfClass + ")").collect(Collectors.joining(", "))
                + ", gemma3 (Gemma3ForConditionalGeneration, its language model)";
    }
}
