package greater.transformer.chat;

import greater.transformer.tokenizer.TokenSpan;

/**
 * Where one message's content landed in a rendered chat.
 *
 * @param message      index of the message in the list given to the template
 * @param role         its role
 * @param charStart    start of the content in the rendered text (UTF-16 index)
 * @param charEnd      end of the content in the rendered text
 * @param sourceOffset index in the message's own content of the first rendered char (templates
 *                     that trim drop leading whitespace)
 * @param tokens       the tokens covering the content: every token whose source overlaps it, so
 *                     a token that merges the template's separator with the first word (Llama-2's
 *                     {@code ▁What} after {@code [INST]}) counts as content
 */
public record ContentSpan(int message, Role role, int charStart, int charEnd, int sourceOffset, TokenSpan tokens) {
}
