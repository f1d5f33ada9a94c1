package greater.transformer.chat;

import greater.transformer.tokenizer.TokenizerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which supported family a Jinja {@code chat_template} is, by the markers it writes, and
 * reads the variant details that change the output (Llama-3's unconditional generation prompt,
 * Gemma's system handling, a ChatML default system message, Qwen3 think blocks). A template it
 * cannot place is an error rather than a guess.
 */
final class TemplateRecognizer {
    /** A ChatML system turn written as one Jinja string literal: its text is a default system message. */
    private static final Pattern DEFAULT_SYSTEM =
            Pattern.compile("(['\"])<\\|im_start\\|>system\\\\n((?:(?!\\1)[^{}\\\\]|\\\\.)*?)<\\|im_end\\|>");

    private TemplateRecognizer() {
    }

    static ChatTemplate recognize(String source) {
        if (source.contains("<|start_header_id|>")) {
            if (source.contains("Cutting Knowledge Date")) {
                return new Llama31Template(dateString(source));
            }
            return new Llama3Template(!source.contains("add_generation_prompt"));
        }
        if (source.contains("<start_of_turn>")) {
            return new GemmaTemplate(!source.contains("System role not supported"));
        }
        if (source.contains("<|im_start|>")) {
            boolean thinking = source.contains("last_query_index") && source.contains("</think>");
            return new ChatMlTemplate(thinking ? "qwen3" : "chatml", defaultSystem(source), thinking);
        }
        if (source.contains("[INST]") && source.contains("<<SYS>>")) {
            return new Llama2Template();
        }
        String head = source.strip().replace("\n", " ");
        throw new TokenizerException("unrecognised chat_template \""
                + (head.length() > 60 ? head.substring(0, 57) + "..." : head)
                + "\"; choose one with --template NAME (known: " + String.join(", ", ChatTemplate.names()) + ")");
    }

    private static final Pattern DATE_DEFAULT = Pattern.compile("set date_string = [\"']([^\"']+)[\"']");

    /**
     * The date a Llama-3.1+ template writes when none is passed: today's (Llama-3.2 calls
     * {@code strftime_now("%d %b %Y")}, which transformers provides), else the literal default.
     */
    static String dateString(String source) {
        if (source.contains("strftime_now")) {
            return java.time.LocalDate.now().format(
                    java.time.format.DateTimeFormatter.ofPattern("dd MMM yyyy", java.util.Locale.ENGLISH));
        }
        Matcher m = DATE_DEFAULT.matcher(source);
        return m.find() ? m.group(1) : Llama31Template.DEFAULT_DATE;
    }

    /** The default system message of a ChatML template, or null (Qwen3 has none). */
    static String defaultSystem(String source) {
        Matcher m = DEFAULT_SYSTEM.matcher(source);
        if (!m.find()) {
            return null;
        }
        String escaped = m.group(2);
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\' && i + 1 < escaped.length()) {
                char n = escaped.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
