package greater.cli.commands;

import greater.tensor.Tensor;
import greater.tensor.UserInputException;
import greater.tensor.safetensors.SafetensorsWriter;
import greater.transformer.LanguageModel;
import greater.transformer.grad.InputGradient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code greater logits}: writes {@code logits} F32 [T,V]; with {@code --grad} also {@code loss}
 * F32 [1] (mean next-token cross-entropy over positions 0..T-2, transformers' labels=input_ids)
 * and {@code input_embeds_grad} F32 [T,H] (its gradient w.r.t. the raw embedding rows).
 */
@Command(name = "logits", mixinStandardHelpOptions = true, description = "Compute logits (and optionally the loss and its input-embedding gradient) to a safetensors file.")
public final class LogitsCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TokenInput input;

    @Option(names = "--chat", description = "Render the text as one user turn with the chat template and the generation prompt.")
    boolean chat;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Output .safetensors file.")
    Path output;

    @Option(names = "--grad", description = "Also write loss and input_embeds_grad.")
    boolean grad;

    @Override
    public Integer call() throws Exception {
        // Checked before the model loads: the writer's temporary file sits beside the output.
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) throw new UserInputException("--output: " + output + " is a folder; give a file name such as out.safetensors");
        if (parent == null || !Files.isDirectory(parent)) throw new UserInputException("--output: the folder " + parent + " does not exist");
        try (LanguageModel lm = model.load()) {
            int[] ids = input.ids(lm, chat);
            int vocab = lm.config().vocabSize();
            SafetensorsWriter w = new SafetensorsWriter().metadata("model", String.valueOf(lm.folder()));
            w.addI64("input_ids", java.util.Arrays.stream(ids).asLongStream().toArray(), ids.length);
            if (grad) {
                if (ids.length < 2) throw new UserInputException("--grad needs at least 2 tokens, got " + ids.length);
                InputGradient.Result r = InputGradient.nextTokenLoss(lm.transformer(), ids);
                w.addF32("logits", r.logits().data(), ids.length, vocab);
                w.addF32("loss", new float[]{r.loss()}, 1);
                Tensor g = r.inputEmbedsGrad();
                w.addF32("input_embeds_grad", g.data(), ids.length, lm.config().hiddenSize());
            } else {
                w.addF32("logits", lm.transformer().logits(ids).data(), ids.length, vocab);
            }
            try {
                w.write(output);
            } catch (IOException e) {
                String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
                throw new UserInputException("--output: cannot write " + output + " (" + why + ")");
            }
        }
        return 0;
    }
}
