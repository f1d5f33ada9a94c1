package greater.transformer.chat;

import greater.transformer.tokenizer.TokenizerException;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which supported family a Jinja {@code chat_template} is, by the markers it writes, and
 * reads the variant details that change the output (Llama-3's unconditional generation prompt,
 * Gemma's system handling, a ChatML default system message, Qwen3 think blocks, the Phi variant,
 * Granite's default system message). A template it cannot place is an error that names
 * {@code --template} rather than a guess.
 */
final class TemplateRecognizer {
    /** A ChatML system turn written as one Jinja string literal: its text is a default system message. */
    private static final Pattern DEFAULT_SYSTEM =
            Pattern.compile("(['\"])<\\|im_start\\|>system\\\\n((?:(?!\\1)[^{}\\\\]|\\\\.)*?)<\\|im_end\\|>");
    /** A Jinja string literal, either quote. */
    private static final String STRING = "(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')";
    /** Granite 3.1+: {@code set system_message = "..." + strftime_now('...') + "..."}. */
    private static final Pattern GRANITE_DATED_SYSTEM = Pattern.compile(
            "set\\s+system_message\\s*=\\s*" + STRING + "\\s*\\+\\s*strftime_now\\(\\s*" + STRING + "\\s*\\)\\s*\\+\\s*" + STRING);
    /** The plain branch that completes it: {@code else %}{%- set system_message = system_message + "..."}. */
    private static final Pattern GRANITE_PLAIN_SUFFIX = Pattern.compile(
            "\\{%-?\\s*else\\s*-?%\\}\\s*\\{%-?\\s*set\\s+system_message\\s*=\\s*system_message\\s*\\+\\s*" + STRING);

    private TemplateRecognizer() {
    }

    /** {@link #recognize(String, LocalDate)} with today's date. */
    static ChatTemplate recognize(String source) {
        return recognize(source, LocalDate.now());
    }

    /**
     * @param today the date {@code strftime_now} gives templates that write it (Llama-3.2, SmolLM3,
     *              Granite 3.1+)
     */
    static ChatTemplate recognize(String source, LocalDate today) {
        if (source.contains("<|start_header_id|>")) {
            if (source.contains("Cutting Knowledge Date")) {
                return new Llama31Template(dateString(source, today));
            }
            return new Llama3Template(!source.contains("add_generation_prompt"));
        }
        if (source.contains("<start_of_turn>")) {
            return new GemmaTemplate(!source.contains("System role not supported"));
        }
        if (source.contains("<|start_of_role|>")) {
            return granite(source, today);
        }
        if (source.contains("<|im_start|>")) {
            if (source.contains("Reasoning Mode: ") && source.contains("/no_think")) {
                return new SmolLm3Template(strftime("%d %B %Y", today), true);
            }
            boolean thinking = source.contains("last_query_index") && source.contains("</think>");
            return new ChatMlTemplate(thinking ? "qwen3" : "chatml", defaultSystem(source), thinking);
        }
        if (source.contains("[INST]") && source.contains("<<SYS>>")) {
            return new Llama2Template();
        }
        String compact = compact(source);
        if (source.contains("<|user|>") || compact.contains("'<|'+message['role']+'|>'")) {
            ChatTemplate phiOrOlmo = phiOrOlmo(source, compact);
            if (phiOrOlmo != null) {
                return phiOrOlmo;
            }
        }
        throw unrecognised(source, "unrecognised chat_template");
    }

    /** The Phi variants and OLMo-2's Tülu format, which share {@code <|user|>}; null for neither. */
    private static ChatTemplate phiOrOlmo(String source, String compact) {
        if (source.contains("<|end|>")) {
            if (compact.contains("'<|'+message['role']+'|>'+message['content']+'<|end|>'")) {
                return new PhiTemplate(PhiTemplate.PHI4_MINI, false);
            }
            if (compact.contains("'<|'+message['role']+'|>'")) {
                return null; // Phi-3-small's generic roles after bos: not a format greater renders
            }
            if (!source.contains("add_generation_prompt")) {
                return new PhiTemplate(PhiTemplate.PHI3_MEDIUM, source.contains("bos_token"));
            }
            return compact.contains("message['role']=='system'andmessage['content']")
                    ? new PhiTemplate(PhiTemplate.PHI35, false) : new PhiTemplate(PhiTemplate.PHI3, false);
        }
        if (compact.contains("'<|user|>⏎'+message['content']+'⏎'")
                && compact.contains("'<|assistant|>⏎'+message['content']+eos_token")) {
            return new Olmo2Template();
        }
        return null;
    }

    /**
     * Granite 3.x: a default system message around {@code strftime_now(...)} (3.1-3.3), completed by
     * the plain branch's suffix (no tools, no documents, no thinking), or none (3.0).
     */
    private static ChatTemplate granite(String source, LocalDate today) {
        Matcher dated = GRANITE_DATED_SYSTEM.matcher(source);
        if (!dated.find()) {
            return new GraniteTemplate(null);
        }
        Matcher plain = GRANITE_PLAIN_SUFFIX.matcher(source);
        if (!plain.find(dated.end())) {
            throw unrecognised(source, "Granite chat_template without its plain default system message");
        }
        return new GraniteTemplate(jinjaString(dated.group(1)) + strftime(jinjaString(dated.group(2)), today)
                + jinjaString(dated.group(3)) + jinjaString(plain.group(1)));
    }

    private static TokenizerException unrecognised(String source, String what) {
        String head = source.strip().replace("\n", " ");
        return new TokenizerException(what + " \"" + (head.length() > 60 ? head.substring(0, 57) + "..." : head)
                + "\"; choose one with --template NAME (known: " + String.join(", ", ChatTemplate.names()) + ")");
    }

    /**
     * The source without spaces, and with every line break (a real one or a {@code \n} escape in a
     * string literal; shipped templates use both) written as one mark, so variants compare equal.
     */
    private static String compact(String source) {
        return source.replace("\\n", "⏎").replace("\n", "⏎").replaceAll("[ \\t]+", "").replaceAll("%}⏎+", "%}");
    }

    /** The value of a Jinja string literal (quotes included in {@code literal}), escapes resolved as Python does. */
    static String jinjaString(String literal) {
        return unescape(literal.substring(1, literal.length() - 1));
    }

    /** A Jinja string literal's body with its escapes resolved; an unknown escape stays as written. */
    private static String unescape(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 == body.length()) {
                out.append(c);
                continue;
            }
            char n = body.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '\'', '"' -> out.append(n);
                default -> out.append('\\').append(n);
            }
        }
        return out.toString();
    }

    /**
     * Python's {@code date.strftime(format)} for the directives chat templates use: {@code %d %m %y
     * %Y %b %B %a %A %%} (English names, as transformers' C locale writes them).
     *
     * @throws TokenizerException for any other directive
     */
    static String strftime(String format, LocalDate date) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            out.append(switch (d) {
                case 'd' -> String.format(Locale.ROOT, "%02d", date.getDayOfMonth());
                case 'm' -> String.format(Locale.ROOT, "%02d", date.getMonthValue());
                case 'y' -> String.format(Locale.ROOT, "%02d", date.getYear() % 100);
                case 'Y' -> Integer.toString(date.getYear());
                case 'b' -> date.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> date.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'a' -> date.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> date.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case '%' -> "%";
                default -> throw new TokenizerException("chat_template asks strftime_now for \"%" + d
                        + "\", which greater does not write; choose a template with --template NAME");
            });
        }
        return out.toString();
    }

    private static final Pattern DATE_DEFAULT = Pattern.compile("set date_string = [\"']([^\"']+)[\"']");

    /**
     * The date a Llama-3.1+ template writes when none is passed: today's (Llama-3.2 calls
     * {@code strftime_now("%d %b %Y")}, which transformers provides), else the literal default.
     */
    static String dateString(String source, LocalDate today) {
        if (source.contains("strftime_now")) {
            return strftime("%d %b %Y", today);
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
        return unescape(m.group(2));
    }
}
