package greater.cli.commands;

import greater.tensor.SettingException;
import greater.optimizer.eval.Evaluation;
import greater.optimizer.eval.Evaluator;
import greater.optimizer.greater.ChatPromptFormat;
import greater.optimizer.greater.GreaterPreset;
import greater.optimizer.greater.SampleLayout;
import greater.optimizer.task.ArithmeticCorpus;
import greater.optimizer.task.ArithmeticInstructions;
import greater.optimizer.task.ArithmeticProblem;
import greater.optimizer.task.ArithmeticTask;
import greater.optimizer.task.Example;
import greater.tensor.UserInputException;
import greater.transformer.LanguageModel;
import greater.transformer.chat.ChatTemplate;
import greater.transformer.chat.Message;
import greater.transformer.tokenizer.Tokenizer;
import greater.transformer.train.BpeTrainer;
import greater.transformer.train.ByteLevelBpe;
import greater.transformer.train.ChatMl;
import greater.transformer.train.ConsoleProgress;
import greater.transformer.train.HfFiles;
import greater.transformer.train.ModelShape;
import greater.transformer.train.Rng;
import greater.transformer.train.TrainOptions;
import greater.transformer.train.Trainer;
import greater.transformer.train.TrainingSequence;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code greater train}: trains a small Llama-architecture model from scratch on a generated task
 * and writes it as a HuggingFace model folder (the built-in demo model is made this way).
 * Steps: generate a corpus, train a byte-level BPE tokenizer on it, train the model with AdamW
 * (progress on stderr, a checkpoint every N steps; rerunning with the same --out resumes), write
 * config.json, generation_config.json, model.safetensors (bf16), tokenizer.json and
 * tokenizer_config.json, then evaluate greedy accuracy on held-out questions under a few
 * instructions. The chat layout, the prompt layout and the evaluation are the product's own
 * ({@link ChatTemplate} "chatml", {@link ChatPromptFormat}, {@link Evaluator}), so the model
 * learns exactly the token sequences {@code greater optimize} later shows it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a small model from scratch on a generated task (how the built-in demo model is made).")
public final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final int CORPUS_FOR_TOKENIZER = 20000;
    /** Reasoning budget of the final evaluation (the answer after the extractor has its own). */
    static final int MAX_REASONING_TOKENS = 96;
    /** The trained models speak ChatML; the Jinja source written beside them is {@link ChatMl#TEMPLATE}. */
    static final ChatTemplate CHAT = ChatTemplate.byName("chatml");
    static final long EVAL_SEED = 20250101L;

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "The task to train on: arithmetic.")
    String task;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write (holds the checkpoint while training).")
    Path out;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the data, the tokenizer corpus and the init (default 1).")
    long seed;
    @Option(names = "--steps", defaultValue = "4000", paramLabel = "N", description = "Optimizer steps (default 4000, the demo model).")
    int steps;
    @Option(names = "--size", defaultValue = "small", paramLabel = "SIZE", description = "Model size: small (the demo) or tiny (tests).")
    String size;
    // Training settings: a flag given replaces the value of TrainOptions.builder (the demo model's).
    @Option(names = "--batch", paramLabel = "B", description = "Sequences per step (default 32, the demo model's).")
    Optional<Integer> batch;
    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default 3e-3, the demo model's; cosine to a tenth of it).")
    Optional<Double> lr;
    @Option(names = "--vocab", defaultValue = "1024", paramLabel = "V", description = "Most tokens in the trained tokenizer (default 1024).")
    int vocab;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (default 100; 0: only at the end).")
    Optional<Integer> checkpointEvery;
    @Option(names = "--log-every", defaultValue = "10", paramLabel = "N", description = "Steps between progress lines (default 10).")
    int logEvery;
    @Option(names = "--eval", defaultValue = "200", paramLabel = "N", description = "Held-out questions per instruction in the final evaluation (0 = skip; default 200).")
    int eval;
    @Option(names = "--resume", description = "Require a checkpoint in --out and continue it (a checkpoint there is resumed anyway).")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!task.equals("arithmetic")) throw new UserInputException("--task: unknown task '" + task + "' (known: arithmetic)");
        if (!size.equals("small") && !size.equals("tiny")) throw new UserInputException("--size must be small or tiny, got '" + size + "'");
        SettingException.atLeast("--steps", steps, 1);
        SettingException.atLeast("--vocab", vocab, 300);
        SettingException.atLeast("--log-every", logEvery, 1);
        SettingException.atLeast("--eval", eval, 0);
        TrainOptions options = SettingFlags.check(spec, () -> { // for a fresh run; checked before anything is written
            TrainOptions.Builder b = TrainOptions.builder(steps, seed);
            batch.ifPresent(b::batchSize);
            lr.ifPresent(peak -> b.learningRate(peak, peak / 10));
            checkpointEvery.ifPresent(b::checkpointEvery);
            return b.build();
        });
        long wallStart = System.nanoTime();
        Path checkpoint = out.resolve(CHECKPOINT);
        ArithmeticTask arithmetic = new ArithmeticTask();
        ArithmeticCorpus corpus = new ArithmeticCorpus(arithmetic);

        Trainer trainer;
        ByteLevelBpe bpe;
        if (Files.isRegularFile(checkpoint)) {
            bpe = ByteLevelBpe.read(out.resolve("tokenizer.json"));
            trainer = Trainer.resume(checkpoint);
            checkSameRun(trainer);
            System.err.printf("resuming %s at step %d/%d%n", checkpoint, trainer.step(), trainer.options().steps());
        } else {
            if (resume) throw new UserInputException("--resume: " + checkpoint + " does not exist");
            Files.createDirectories(out);
            List<String> texts = new ArrayList<>();
            Rng textRng = Rng.derive(seed, 3);
            for (int i = 0; i < CORPUS_FOR_TOKENIZER; i++) texts.add(chatText(corpus.sample(textRng)));
            bpe = BpeTrainer.train(texts, vocab, ChatMl.SPECIAL_TOKENS, 2);
            ModelShape shape = ModelShape.preset(size, bpe.vocabSize());
            HfFiles.writeTokenizer(out, bpe, shape.maxPositions());
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("task", task);
            tags.put("size", size);
            tags.put("vocab", Integer.toString(vocab));
            trainer = Trainer.create(shape, options, tags);
            System.err.printf("training a %s model (%,d parameters; hidden %d, %d layers, %d heads, vocab %d) on %s for %d steps of %d sequences%n",
                    size, trainer.model().parameterCount(), shape.hiddenSize(), shape.layers(), shape.heads(), shape.vocabSize(),
                    task, steps, options.batchSize());
        }

        Tokenizer tokenizer = bpe.tokenizer();
        ChatPromptFormat format = promptFormat(tokenizer);
        int endOfTurn = tokenizer.tokenId(CHAT.endOfTurn());
        int batchSize = trainer.options().batchSize();
        Trainer.BatchSource data = rng -> {
            List<TrainingSequence> b = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) b.add(sequence(format, endOfTurn, corpus.sample(rng)));
            return b;
        };
        int totalSteps = trainer.options().steps();
        List<Double> recent = new ArrayList<>();
        ConsoleProgress console = new ConsoleProgress(System.err, logEvery);
        trainer.train(data, checkpoint, new Trainer.Listener() {
            @Override
            public void onStep(Trainer.StepStats s) {
                console.onStep(s);
                recent.add(s.loss());
                if (recent.size() > 50) recent.removeFirst();
            }

            @Override
            public void onCheckpoint(int step, Path file) {
                if (step % (logEvery * 10) == 0 || step == totalSteps) console.onCheckpoint(step, file);
            }
        });
        HfFiles.writeModelFolder(out, trainer.model(), bpe);

        var o = System.out;
        o.printf("model folder: %s (%,d parameters, model.safetensors %,d bytes)%n", out, trainer.model().parameterCount(),
                Files.size(out.resolve("model.safetensors")));
        o.printf("trained %d steps, seed %d, size %s: %s of training steps (this run's wall time %s)%n", trainer.step(),
                trainer.options().seed(), trainer.tags().get("size"), clock(trainer.trainSeconds()), clock((System.nanoTime() - wallStart) / 1e9));
        if (!recent.isEmpty()) o.printf("final train loss (mean of the last %d steps): %.4f%n", recent.size(),
                recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        if (eval > 0) evaluate(arithmetic);
        return 0;
    }

    /** A resumed run must be the run the flags describe: explicit flags that disagree with the checkpoint are an error. */
    private void checkSameRun(Trainer t) {
        var pr = spec.commandLine().getParseResult();
        TrainOptions o = t.options();
        check(pr, "--task", t.tags().get("task"), task);
        check(pr, "--size", t.tags().get("size"), size);
        check(pr, "--steps", Integer.toString(o.steps()), Integer.toString(steps));
        check(pr, "--seed", Long.toString(o.seed()), Long.toString(seed));
        check(pr, "--batch", Integer.toString(o.batchSize()), batch.map(String::valueOf).orElse(null));
        check(pr, "--lr", Double.toString(o.peakLr()), lr.map(String::valueOf).orElse(null));
        check(pr, "--vocab", t.tags().get("vocab"), Integer.toString(vocab));
    }

    private void check(CommandLine.ParseResult pr, String flag, String stored, String given) {
        if (pr.hasMatchedOption(flag) && !Objects.equals(stored, given)) {
            throw new UserInputException(out.resolve(CHECKPOINT) + " was made with " + flag + " " + stored + ", not " + given
                    + "; use the same value to resume, or another --out to start afresh");
        }
    }

    /** One conversation as the chat template renders it: the tokenizer's training text. */
    static String chatText(ArithmeticCorpus.Conversation c) {
        return CHAT.render(List.of(Message.user(c.user()), Message.assistant(c.reply())), false, "", "").text();
    }

    /** The prompt layout {@code greater optimize} uses on the trained model (ChatML, no BOS, {@code <|im_end|>} stops). */
    static ChatPromptFormat promptFormat(Tokenizer tokenizer) {
        return ChatPromptFormat.of(tokenizer, CHAT, Set.of());
    }

    /**
     * The tokens of one conversation, laid out as the optimizer lays out a sample
     * ({@link ChatPromptFormat#layout}: chat head and question, the instruction as the prompt, the
     * generation prompt), then the reply and its end-of-turn token; the loss predicts the
     * instruction (so the model has a distribution over instruction tokens, which GReaTer's
     * candidate proposal and fluency term read) and the reply, not the chat scaffolding, not the
     * random question.
     */
    static TrainingSequence sequence(ChatPromptFormat format, int endOfTurn, ArithmeticCorpus.Conversation c) {
        SampleLayout layout = format.layout(c.problem().toExample(), ArithmeticTask.EXTRACTOR);
        int[] reply = format.encode(c.reply());
        int[] replyAndStop = Arrays.copyOf(reply, reply.length + 1);
        replyAndStop[reply.length] = endOfTurn;
        return TrainingSequence.of(new int[][]{layout.prefix(), format.encodePrompt(c.instruction().text()), layout.suffix(), replyAndStop},
                new boolean[]{false, true, false, true});
    }

    /** Greedy accuracy on held-out questions under a few instructions, by the optimizer's evaluator; prints a table. */
    private void evaluate(ArithmeticTask arithmetic) {
        List<Example> examples = arithmetic.examples(ArithmeticTask.Split.TEST, eval, EVAL_SEED);
        String[][] prompts = {
                {"working", ArithmeticInstructions.WORKING_EXAMPLE},
                {"speed", ArithmeticInstructions.SPEED_EXAMPLE},
                {"demo start", ArithmeticInstructions.DEMO_START},
                {"GReaTer initial", GreaterPreset.OFFICIAL_INITIAL_PROMPT},
                {"unseen working", "carefully write every step."},
                {"unseen neutral", "work it out."},
        };
        System.out.printf("held-out accuracy, greedy, %d test-split questions:%n", examples.size());
        try (LanguageModel lm = LanguageModel.load(out)) {
            var preset = DemoTask.task().preset();
            Evaluator evaluator = new Evaluator(lm.transformer(), ChatPromptFormat.of(lm, null), preset, MAX_REASONING_TOKENS);
            for (String[] p : prompts) {
                Evaluation e = evaluator.evaluate(p[1], examples, null);
                long worked = e.records().stream().filter(r -> r.reasoning().startsWith(ArithmeticProblem.WORKING_LEAD.strip())).count();
                Evaluation.Record first = e.records().getFirst();
                System.out.printf("  %-16s %5.1f%%  (worked %3.0f%%)  \"%s\"%n", p[0], 100.0 * e.accuracy(),
                        100.0 * worked / e.n(), p[1]);
                System.out.printf("  %-16s e.g. %s -> %s | %s%s%n", "", first.question(), first.reasoning(), preset.extractor(), first.answerText());
            }
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
