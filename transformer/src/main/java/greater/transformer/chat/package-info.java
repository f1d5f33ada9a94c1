/**
 * Chat templates of the model families greater runs (Llama-3, Llama-3.1/3.2/3.3, Llama-2, Gemma 1/2/3, ChatML for
 * Qwen2/2.5/3 with and without thinking and SmolLM2, SmolLM3, Phi-3/3.5/4-mini, Granite 3.x, OLMo-2),
 * written in Java from their Jinja sources so that the ids equal
 * transformers' {@code apply_chat_template(messages, add_generation_prompt=True, tokenize=True)},
 * and reporting which token positions hold each message's content
 * ({@link greater.transformer.chat.RenderedChat#tokensOf}).
 *
 * <p>Choose a template with {@link greater.transformer.chat.ChatTemplate#resolve} ({@code --template
 * NAME} first, else the tokenizer_config.json {@code chat_template}, else the model type); a template
 * that is none of these fails with a line naming {@code --template}.
 */
package greater.transformer.chat;
