#!/usr/bin/env python3
"""Writes the expected chat renderings of the template families greater recognises beyond the four
shared tokenizers' own (Qwen3 without thinking, SmolLM3, Phi-3 / Phi-3.5 / Phi-4-mini, Granite 3.x,
OLMo-2) into transformer/src/test/resources/chat/expected_templates.json.

For every published template below (each with where it was read) and every conversation of
tokenizer_fixtures.CHATS (plus a few family-specific ones), the script records

  text  = transformers' render_jinja_template(...)[0][0] -- exactly what apply_chat_template(
          tokenize=False) renders -- with add_generation_prompt True (and False for three
          conversations, where Phi writes eos_token and OLMo-2 leaves a turn open), and with
          continue_final_message=True for tokenizer_fixtures.CONTINUE_CHATS;
  ids   = AutoTokenizer.apply_chat_template(..., tokenize=True) where the family's tokenizer is in
          ../shared/tokenizers (Qwen3 only, for enable_thinking=False); the other families' tokenizers
          are not at hand, so their parity is the rendered text.

strftime_now (SmolLM3, Granite 3.1+) is pinned to DATE so the fixture does not change daily; the
Java test passes the same date. Templates whose conversation is refused record the error.

Run from the repository root with the project venv:
  .venv/bin/python transformer/reference/chat_template_fixtures.py [--shared ../shared]
"""
import argparse
import datetime as _dt
import json
import os
import sys

import transformers
from transformers import AutoTokenizer
from transformers.utils import chat_template_utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_fixtures import CHATS, CONTINUE_CHATS  # noqa: E402

FORMAT_VERSION = 1
DATE = _dt.datetime(2025, 7, 4, 9, 30)


class _PinnedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return DATE


chat_template_utils.datetime = _PinnedDatetime

# ---- published templates (data, as the model folders ship them) ------------------------------------
# HuggingFaceTB/SmolLM3-3B tokenizer_config.json chat_template, as quoted in huggingface/swift-jinja
# Tests/JinjaTests/IntegrationTests.swift @e095395 (lines 1869-1961; also EricLBuehler/mistral.rs
# chat_templates/smollm3.jinja @85dcfbe, an earlier revision without the `tools` alias).
SMOLLM3 = '{%- if enable_thinking is not defined -%}\n{%- set enable_thinking = true -%}\n{%- endif -%}\n\n{# ───── reasoning mode ───── #}\n{%- if enable_thinking -%}\n{%- set reasoning_mode = "/think" -%}\n{%- else -%}\n{%- set reasoning_mode = "/no_think" -%}\n{%- endif -%}\n\n{# ───── header (system message) ───── #}\n{{- "<|im_start|>system\\n" -}}\n\n{%- if messages[0].role == "system" -%}\n{%- set system_message = messages[0].content -%}\n{%- if "/no_think" in system_message -%}\n{%- set reasoning_mode = "/no_think" -%}\n{%- elif "/think" in system_message -%}\n{%- set reasoning_mode = "/think" -%}\n{%- endif -%}\n{%- set custom_instructions = system_message.replace("/no_think", "").replace("/think", "").rstrip() -%}\n{%- endif -%}\n\n{%- if "/system_override" in system_message -%}\n{{- custom_instructions.replace("/system_override", "").rstrip() -}}\n{{- "<|im_end|>\\n" -}}\n{%- else -%}\n{{- "## Metadata\\n\\n" -}}\n{{- "Knowledge Cutoff Date: June 2025\\n" -}}\n{%- set today = strftime_now("%d %B %Y") -%}\n{{- "Today Date: " ~ today ~ "\\n" -}}\n{{- "Reasoning Mode: " + reasoning_mode + "\\n\\n" -}}\n\n{{- "## Custom Instructions\\n\\n" -}}\n{%- if custom_instructions -%}\n{{- custom_instructions + "\\n\\n" -}}\n{%- elif reasoning_mode == "/think" -%}\n{{- "You are a helpful AI assistant named SmolLM, trained by Hugging Face. Your role as an assistant involves thoroughly exploring questions through a systematic thinking process before providing the final precise and accurate solutions. This requires engaging in a comprehensive cycle of analysis, summarizing, exploration, reassessment, reflection, backtracking, and iteration to develop well-considered thinking process. Please structure your response into two main sections: Thought and Solution using the specified format: <think> Thought section </think> Solution section. In the Thought section, detail your reasoning process in steps. Each step should include detailed considerations such as analysing questions, summarizing relevant findings, brainstorming new ideas, verifying the accuracy of the current steps, refining any errors, and revisiting previous steps. In the Solution section, based on various attempts, explorations, and reflections from the Thought section, systematically present the final solution that you deem correct. The Solution section should be logical, accurate, and concise and detail necessary steps needed to reach the conclusion.\\n\\n" -}}\n{%- else -%}\n{{- "You are a helpful AI assistant named SmolLM, trained by Hugging Face.\\n\\n" -}}\n{%- endif -%}\n\n{%- if xml_tools or python_tools or tools -%}\n{{- "### Tools\\n\\n" -}}\n{%- if xml_tools or tools -%}\n{%- if tools -%}\n{%- set xml_tools = tools -%}\n{%- endif -%}\n{%- set ns = namespace(xml_tool_string="You may call one or more functions to assist with the user query.\\nYou are provided with function signatures within <tools></tools> XML tags:\\n\\n<tools>\\n") -%}\n{%- for tool in xml_tools[:] -%} {# The slicing makes sure that xml_tools is a list #}\n{%- set ns.xml_tool_string = ns.xml_tool_string ~ (tool | string) ~ "\\n" -%}\n{%- endfor -%}\n{%- set xml_tool_string = ns.xml_tool_string + "</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call>" -%}\n{{- xml_tool_string -}}\n{%- endif -%}\n{%- if python_tools -%}\n{%- set ns = namespace(python_tool_string="When you send a message containing Python code between \'<code>\' and \'</code>\' tags, it will be executed in a stateful Jupyter notebook environment, and you will then be given the output to continued reasoning in an agentic loop.\\n\\nYou can use the following tools in your python code like regular functions:\\n<tools>\\n") -%}\n{%- for tool in python_tools[:] -%} {# The slicing makes sure that python_tools is a list #}\n{%- set ns.python_tool_string = ns.python_tool_string ~ (tool | string) ~ "\\n" -%}\n{%- endfor -%}\n{%- set python_tool_string = ns.python_tool_string + "</tools>\\n\\nThe state persists between code executions: so variables that you define in one step are still available thereafter." -%}\n{{- python_tool_string -}}\n{%- endif -%}\n{{- "\\n\\n" -}}\n{{- "<|im_end|>\\n" -}}\n{%- endif -%}\n{%- endif -%}\n{# ───── main loop ───── #}\n{%- for message in messages -%}\n{%- set content = message.content if message.content is string else "" -%}\n{%- if message.role == "user" -%}\n{{ "<|im_start|>" + message.role + "\\n" + content + "<|im_end|>\\n" }}\n{%- elif message.role == "assistant" -%}\n{% generation %}\n{%- if reasoning_mode == "/think" -%}\n{{ "<|im_start|>assistant\\n" + content.lstrip("\\n") + "<|im_end|>\\n" }}\n{%- else -%}\n{{ "<|im_start|>assistant\\n" + "<think>\\n\\n</think>\\n" + content.lstrip("\\n") + "<|im_end|>\\n" }}\n{%- endif -%}\n{% endgeneration %}\n{%- elif message.role == "tool" -%}\n{{ "<|im_start|>" + "user\\n" + content + "<|im_end|>\\n" }}\n{%- endif -%}\n{%- endfor -%}\n{# ───── generation prompt ───── #}\n{%- if add_generation_prompt -%}\n{%- if reasoning_mode == "/think" -%}\n{{ "<|im_start|>assistant\\n" }}\n{%- else -%}\n{{ "<|im_start|>assistant\\n" + "<think>\\n\\n</think>\\n" }}\n{%- endif -%}\n{%- endif -%}'
# ibm-granite/granite-3.0-*-instruct: the `gguf` template of library/granite3-dense:2b in
# huggingface/huggingface.js packages/ollama-utils/src/chat-template-automap.ts @fe42e68 (line 593;
# the same text as chujiezheng/chat_templates chat_templates/granite-3.0-instruct.jinja @5529727).
GRANITE30 = "{%- if tools %}\n    {{- '<|start_of_role|>available_tools<|end_of_role|>\n' }}\n    {%- for tool in tools %}\n    {{- tool | tojson(indent=4) }}\n    {%- if not loop.last %}\n        {{- '\n\n' }}\n    {%- endif %}\n    {%- endfor %}\n    {{- '<|end_of_text|>\n' }}\n{%- endif %}\n{%- for message in messages %}\n    {%- if message['role'] == 'system' %}\n    {{- '<|start_of_role|>system<|end_of_role|>' + message['content'] + '<|end_of_text|>\n' }}\n    {%- elif message['role'] == 'user' %}\n    {{- '<|start_of_role|>user<|end_of_role|>' + message['content'] + '<|end_of_text|>\n' }}\n    {%- elif message['role'] == 'assistant' %}\n    {{- '<|start_of_role|>assistant<|end_of_role|>'  + message['content'] + '<|end_of_text|>\n' }}\n    {%- elif message['role'] == 'assistant_tool_call' %}\n    {{- '<|start_of_role|>assistant<|end_of_role|><|tool_call|>' + message['content'] + '<|end_of_text|>\n' }}\n    {%- elif message['role'] == 'tool_response' %}\n    {{- '<|start_of_role|>tool_response<|end_of_role|>' + message['content'] + '<|end_of_text|>\n' }}\n    {%- endif %}\n    {%- if loop.last and add_generation_prompt %}\n    {{- '<|start_of_role|>assistant<|end_of_role|>' }}\n    {%- endif %}\n{%- endfor %}"
# ibm-granite/granite-3.1-*-instruct: library/granite3.1-moe:1b in the same automap file (line 622).
GRANITE31 = '{%- if messages[0][\'role\'] == \'system\' %}\n    {%- set system_message = messages[0][\'content\'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = "Knowledge Cutoff Date: April 2024.\nToday\'s Date: " + strftime_now(\'%B %d, %Y\') + ".\nYou are Granite, developed by IBM." %}\n    {%- if tools and documents %}\n        {%- set system_message = system_message + " You are a helpful AI assistant with access to the following tools. When a tool is required to answer the user\'s query, respond with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request.\n\nWrite the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- elif tools %}\n        {%- set system_message = system_message + " You are a helpful AI assistant with access to the following tools. When a tool is required to answer the user\'s query, respond with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request." %}\n    {%- elif documents %}\n        {%- set system_message = system_message + " Write the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- else %}\n        {%- set system_message = system_message + " You are a helpful AI assistant." %}    \n    {%- endif %}\n    {%- if \'citations\' in controls and documents %}\n        {%- set system_message = system_message + \'\n\nIn your response, use the symbols <co> and </co> to indicate when a fact comes from a document in the search result, e.g <co>0</co> for a fact from document 0. Afterwards, list all the citations with their corresponding documents in an ordered list.\' %}\n    {%- endif %}\n    {%- if \'hallucinations\' in controls and documents %}\n        {%- set system_message = system_message + \'\n\nFinally, after the response is written, include a numbered list of sentences from the response that are potentially hallucinated and not based in the documents.\' %}\n    {%- endif %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n{{- \'<|start_of_role|>system<|end_of_role|>\' + system_message + \'<|end_of_text|>\n\' }}\n{%- if tools %}\n    {{- \'<|start_of_role|>tools<|end_of_role|>\' }}\n    {{- tools | tojson(indent=4) }}\n    {{- \'<|end_of_text|>\n\' }}\n{%- endif %}\n{%- if documents %}\n    {{- \'<|start_of_role|>documents<|end_of_role|>\' }}\n    {%- for document in documents %}\n        {{- \'Document \' + loop.index0 | string + \'\n\' }}\n        {{- document[\'text\'] }}\n        {%- if not loop.last %}\n            {{- \'\n\n\'}}\n        {%- endif%}\n    {%- endfor %}\n    {{- \'<|end_of_text|>\n\' }}\n{%- endif %}\n{%- for message in loop_messages %}\n    {{- \'<|start_of_role|>\' + message[\'role\'] + \'<|end_of_role|>\' + message[\'content\'] + \'<|end_of_text|>\n\' }}\n    {%- if loop.last and add_generation_prompt %}\n        {{- \'<|start_of_role|>assistant\' }}\n            {%- if controls %}\n                {{- \' \' + controls | tojson()}}\n            {%- endif %}\n        {{- \'<|end_of_role|>\' }}\n    {%- endif %}\n{%- endfor %}'
# ibm-granite/granite-3.2-*-instruct: library/granite3.2:8b in the same automap file (line 652).
GRANITE32 = '{%- if messages[0][\'role\'] == \'system\' %}\n    {%- set system_message = messages[0][\'content\'] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = "Knowledge Cutoff Date: April 2024.\nToday\'s Date: " + strftime_now(\'%B %d, %Y\') + ".\nYou are Granite, developed by IBM." %}\n    {%- if tools and documents %}\n        {%- set system_message = system_message + " You are a helpful AI assistant with access to the following tools. When a tool is required to answer the user\'s query, respond with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request.\n\nWrite the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- elif tools %}\n        {%- set system_message = system_message + " You are a helpful AI assistant with access to the following tools. When a tool is required to answer the user\'s query, respond with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request." %}\n    {%- elif documents %}\n        {%- set system_message = system_message + " Write the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- elif thinking %}\n    {%- set system_message = system_message + " You are a helpful AI assistant.\nRespond to every user query in a comprehensive and detailed way. You can write down your thoughts and reasoning process before responding. In the thought process, engage in a comprehensive cycle of analysis, summarization, exploration, reassessment, reflection, backtracing, and iteration to develop well-considered thinking process. In the response section, based on various attempts, explorations, and reflections from the thoughts section, systematically present the final solution that you deem correct. The response should summarize the thought process. Write your thoughts after \'Here is my thought process:\' and write your response after \'Here is my response:\' for each user query." %}\n    {%- else %}\n        {%- set system_message = system_message + " You are a helpful AI assistant." %}    \n    {%- endif %}\n    {%- if \'citations\' in controls and documents %}\n        {%- set system_message = system_message + \'\n\nIn your response, use the symbols <co> and </co> to indicate when a fact comes from a document in the search result, e.g <co>0</co> for a fact from document 0. Afterwards, list all the citations with their corresponding documents in an ordered list.\' %}\n    {%- endif %}\n    {%- if \'hallucinations\' in controls and documents %}\n        {%- set system_message = system_message + \'\n\nFinally, after the response is written, include a numbered list of sentences from the response that are potentially hallucinated and not based in the documents.\' %}\n    {%- endif %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n{{- \'<|start_of_role|>system<|end_of_role|>\' + system_message + \'<|end_of_text|>\n\' }}\n{%- if tools %}\n    {{- \'<|start_of_role|>tools<|end_of_role|>\' }}\n    {{- tools | tojson(indent=4) }}\n    {{- \'<|end_of_text|>\n\' }}\n{%- endif %}\n{%- if documents %}\n    {{- \'<|start_of_role|>documents<|end_of_role|>\' }}\n    {%- for document in documents %}\n        {{- \'Document \' + loop.index0 | string + \'\n\' }}\n        {{- document[\'text\'] }}\n        {%- if not loop.last %}\n            {{- \'\n\n\'}}\n        {%- endif%}\n    {%- endfor %}\n    {{- \'<|end_of_text|>\n\' }}\n{%- endif %}\n{%- for message in loop_messages %}\n    {{- \'<|start_of_role|>\' + message[\'role\'] + \'<|end_of_role|>\' + message[\'content\'] + \'<|end_of_text|>\n\' }}\n    {%- if loop.last and add_generation_prompt %}\n        {{- \'<|start_of_role|>assistant\' }}\n            {%- if controls %}\n                {{- \' \' + controls | tojson()}}\n            {%- endif %}\n        {{- \'<|end_of_role|>\' }}\n    {%- endif %}\n{%- endfor %}'
# Granite 3.3 as the ollama GGUF of library/granite3.3:2b carries it (same automap file, line 661): its
# default system message differs in spacing from the Hugging Face one below; both must be read.
GRANITE33_OLLAMA = '{# Alias tools -> available_tools #}\n{%- if tools and not available_tools -%}\n    {%- set available_tools = tools -%}\n{%- endif -%}\n{%- if messages[0][\'role\'] == \'system\' %}\n     {%- set system_message = messages[0][\'content\'] %}\n     {%- set loop_messages = messages[1:] %}\n {%- else %}\n     {%- set system_message = " Knowledge Cutoff Date: April 2024.\n Today\'s Date: " + strftime_now(\'%B %d, %Y\') + ". You are Granite, developed by IBM." %}\n     {%- if available_tools and documents %}\n         {%- set system_message = system_message + " You are a helpful assistant with access to the following tools. When a tool is required to answer the user\'s query, respond only with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request. \nWrite the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n     {%- elif available_tools %}\n         {%- set system_message = system_message + " You are a helpful assistant with access to the following tools. When a tool is required to answer the user\'s query, respond only with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request." %}\n     {%- elif documents %}\n         {%- set system_message = system_message + " Write the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- elif thinking %}\n    {%- set system_message = system_message + " You are a helpful AI assistant.\nRespond to every user query in a comprehensive and detailed way. You can write down your thoughts and reasoning process before responding. In the thought process, engage in a comprehensive cycle of analysis, summarization, exploration, reassessment, reflection, backtracing, and iteration to develop well-considered thinking process. In the response section, based on various attempts, explorations, and reflections from the thoughts section, systematically present the final solution that you deem correct. The response should summarize the thought process. Write your thoughts between <think></think> and write your response between <response></response> for each user query." %}\n     {%- else %}\n         {%- set system_message = system_message + " You are a helpful AI assistant." %}\n     {%- endif %}\n     {%- if \'citations\' in controls and documents %}\n         {%- set system_message = system_message + \' \nUse the symbols <|start_of_cite|> and <|end_of_cite|> to indicate when a fact comes from a document in the search result, e.g <|start_of_cite|> {document_id: 1}my fact <|end_of_cite|> for a fact from document 1. Afterwards, list all the citations with their corresponding documents in an ordered list.\' %}\n     {%- endif %}\n     {%- if \'hallucinations\' in controls and documents %}\n         {%- set system_message = system_message + \' \nFinally, after the response is written, include a numbered list of sentences from the response with a corresponding risk value that are hallucinated and not based in the documents.\' %}\n     {%- endif %}\n     {%- set loop_messages = messages %}\n {%- endif %}\n {{- \'<|start_of_role|>system<|end_of_role|>\' + system_message + \'<|end_of_text|>\n\' }}\n {%- if available_tools %}\n     {{- \'<|start_of_role|>available_tools<|end_of_role|>\' }}\n     {{- available_tools | tojson(indent=4) }}\n     {{- \'<|end_of_text|>\n\' }}\n {%- endif %}\n {%- if documents %}\n     {%- for document in documents %}\n         {{- \'<|start_of_role|>document {"document_id": "\' + document[\'doc_id\'] | string + \'"}<|end_of_role|>\n\' }}\n         {{- document[\'text\'] }}\n         {{- \'<|end_of_text|>\n\' }}\n              {%- endfor %}\n {%- endif %}\n {%- for message in loop_messages %}\n     {{- \'<|start_of_role|>\' + message[\'role\'] + \'<|end_of_role|>\' + message[\'content\'] + \'<|end_of_text|>\n\' }}\n     {%- if loop.last and add_generation_prompt %}\n         {{- \'<|start_of_role|>assistant\' }}\n             {%- if controls %}\n                 {{- \' \' + controls | tojson()}}\n             {%- endif %}\n         {{- \'<|end_of_role|>\' }}\n     {%- endif %}\n {%- endfor %}'
# allenai/OLMo-2-1124-7B-Instruct: library/olmo2:7b in the same automap file (line 1004); identical to
# allenai/OLMo-2-1124-13B-Instruct tokenizer_config.json as vendored in mauer4/Attention-From-Scratch
# weights/allenai/OLMo-2-1124-13B-Instruct/tokenizer_config.json @7b2eb95.
OLMO2_AUTOMAP = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ '<|system|>\n' + message['content'] + '\n' }}{% elif message['role'] == 'user' %}{{ '<|user|>\n' + message['content'] + '\n' }}{% elif message['role'] == 'assistant' %}{% if not loop.last %}{{ '<|assistant|>\n'  + message['content'] + eos_token + '\n' }}{% else %}{{ '<|assistant|>\n'  + message['content'] + eos_token }}{% endif %}{% endif %}{% if loop.last and add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}{% endfor %}"
# microsoft/Phi-3-mini-4k-instruct (and -128k) tokenizer_config.json: library/phi3:3.8b in the same automap
# file (line 1048); guidance-ai/guidance quotes the same text as of 05/08/24.
PHI3_MINI = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"
# microsoft/Phi-3-medium-4k-instruct (and the first Phi-3-mini release): no generation-prompt switch, a
# user turn always opens the assistant's; library/phi3:14b in the same automap file (line 1036).
PHI3_MEDIUM = "{% for message in messages %}{% if (message['role'] == 'user') %}{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}"
# microsoft/Phi-3.5-mini-instruct: library/phi3.5:3.8b in the same automap file (line 1060).
PHI35_MINI = "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"
# microsoft/Phi-4-mini-instruct tokenizer_config.json (line 104 there): library/phi4-mini:3.8b in the
# same automap file (line 1081).
PHI4_MINI = "{% for message in messages %}{% if message['role'] == 'system' and 'tools' in message and message['tools'] is not none %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|tool|>' + message['tools'] + '<|/tool|>' + '<|end|>' }}{% else %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% else %}{{ eos_token }}{% endif %}"
# ibm-granite/granite-3.3-2b-instruct tokenizer_config.json as quoted in johnmai-dev/Jinja
# Tests/Templates/ChatTemplates.swift @bb238dd (line 23).
GRANITE33 = '{# Alias tools -> available_tools #}\n{%- if tools and not available_tools -%}\n    {%- set available_tools = tools -%}\n{%- endif -%}\n{%- if messages[0][\'role\'] == \'system\' %}\n     {%- set system_message = messages[0][\'content\'] %}\n     {%- set loop_messages = messages[1:] %}\n {%- else %}\n     {%- set system_message = "Knowledge Cutoff Date: April 2024.\\nToday\'s Date: " + strftime_now(\'%B %d, %Y\') + ".\\nYou are Granite, developed by IBM." %}\n     {%- if available_tools and documents %}\n         {%- set system_message = system_message + " You are a helpful assistant with access to the following tools. When a tool is required to answer the user\'s query, respond only with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request.\\nWrite the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n     {%- elif available_tools %}\n         {%- set system_message = system_message + " You are a helpful assistant with access to the following tools. When a tool is required to answer the user\'s query, respond only with <|tool_call|> followed by a JSON list of tools used. If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request." %}\n     {%- elif documents %}\n         {%- set system_message = system_message + " Write the response to the user\'s input by strictly aligning with the facts in the provided documents. If the information needed to answer the question is not available in the documents, inform the user that the question cannot be answered based on the available data." %}\n    {%- elif thinking %}\n    {%- set system_message = system_message + " You are a helpful AI assistant.\\nRespond to every user query in a comprehensive and detailed way. You can write down your thoughts and reasoning process before responding. In the thought process, engage in a comprehensive cycle of analysis, summarization, exploration, reassessment, reflection, backtracing, and iteration to develop well-considered thinking process. In the response section, based on various attempts, explorations, and reflections from the thoughts section, systematically present the final solution that you deem correct. The response should summarize the thought process. Write your thoughts between <think></think> and write your response between <response></response> for each user query." %}\n     {%- else %}\n         {%- set system_message = system_message + " You are a helpful AI assistant." %}\n     {%- endif %}\n     {%- if \'citations\' in controls and documents %}\n         {%- set system_message = system_message + \'\\nUse the symbols <|start_of_cite|> and <|end_of_cite|> to indicate when a fact comes from a document in the search result, e.g <|start_of_cite|> {document_id: 1}my fact <|end_of_cite|> for a fact from document 1. Afterwards, list all the citations with their corresponding documents in an ordered list.\' %}\n     {%- endif %}\n     {%- if \'hallucinations\' in controls and documents %}\n         {%- set system_message = system_message + \'\\nFinally, after the response is written, include a numbered list of sentences from the response with a corresponding risk value that are hallucinated and not based in the documents.\' %}\n     {%- endif %}\n     {%- set loop_messages = messages %}\n {%- endif %}\n {{- \'<|start_of_role|>system<|end_of_role|>\' + system_message + \'<|end_of_text|>\\n\' }}\n {%- if available_tools %}\n     {{- \'<|start_of_role|>available_tools<|end_of_role|>\' }}\n     {{- available_tools | tojson(indent=4) }}\n     {{- \'<|end_of_text|>\\n\' }}\n {%- endif %}\n {%- if documents %}\n     {%- for document in documents %}\n         {{- \'<|start_of_role|>document {"document_id": "\' + document[\'doc_id\'] | string + \'"}<|end_of_role|>\\n\' }}\n         {{- document[\'text\'] }}\n         {{- \'<|end_of_text|>\\n\' }}\n              {%- endfor %}\n {%- endif %}\n {%- for message in loop_messages %}\n     {{- \'<|start_of_role|>\' + message[\'role\'] + \'<|end_of_role|>\' + message[\'content\'] + \'<|end_of_text|>\\n\' }}\n     {%- if loop.last and add_generation_prompt %}\n         {{- \'<|start_of_role|>assistant\' }}\n             {%- if controls %}\n                 {{- \' \' + controls | tojson()}}\n             {%- endif %}\n         {{- \'<|end_of_role|>\' }}\n     {%- endif %}\n {%- endfor %}'

EXTRA_CHATS = [
    [
        {"role": "system", "content": "Answer in one word. /no_think"},
        {"role": "user", "content": "Capital of France?"},
    ],
    [
        {"role": "system", "content": "You are terse. /system_override"},
        {"role": "user", "content": "Hi"},
    ],
    [
        {"role": "system", "content": ""},
        {"role": "user", "content": "Empty system message."},
    ],
    [
        {"role": "user", "content": "Q"},
        {"role": "assistant", "content": "<think>\nsteps\n</think>\n\nA"},
        {"role": "user", "content": "Again?"},
    ],
]

# (fixture name, the name greater gives the recognised template, source, tokenizer folder or None,
#  bos_token, eos_token, template kwargs)
FAMILIES = [
    ("qwen3_no_thinking", "qwen3-nothink", None, "qwen3", None, None, {"enable_thinking": False}),
    ("qwen3_thinking_explicit", "qwen3", None, "qwen3", None, None, {"enable_thinking": True}),
    ("smollm3", "smollm3", SMOLLM3, None, None, "<|im_end|>", {}),
    ("smollm3_no_thinking", "smollm3-nothink", SMOLLM3, None, None, "<|im_end|>", {"enable_thinking": False}),
    ("phi3_mini", "phi3", PHI3_MINI, None, "<s>", "<|endoftext|>", {}),
    ("phi3_medium", "phi3-medium", PHI3_MEDIUM, None, "<s>", "<|endoftext|>", {}),
    ("phi3_5_mini", "phi3.5", PHI35_MINI, None, "<s>", "<|endoftext|>", {}),
    ("phi4_mini", "phi4-mini", PHI4_MINI, None, "<|endoftext|>", "<|endoftext|>", {}),
    ("granite3_0", "granite3.0", GRANITE30, None, "<|end_of_text|>", "<|end_of_text|>", {}),
    ("granite3_1", "granite", GRANITE31, None, "<|end_of_text|>", "<|end_of_text|>", {}),
    ("granite3_2", "granite", GRANITE32, None, "<|end_of_text|>", "<|end_of_text|>", {}),
    ("granite3_3", "granite", GRANITE33, None, "<|end_of_text|>", "<|end_of_text|>", {}),
    ("granite3_3_ollama", "granite", GRANITE33_OLLAMA, None, "<|end_of_text|>", "<|end_of_text|>", {}),
    ("olmo2", "olmo2", OLMO2_AUTOMAP, None, "<|endoftext|>", "<|endoftext|>", {}),
]


def render(source, messages, bos, eos, kwargs, **flags):
    rendered, _ = chat_template_utils.render_jinja_template(
        conversations=[messages], chat_template=source, bos_token=bos, eos_token=eos, **flags, **kwargs)
    return rendered[0]


def build(shared):
    out = {
        "format": FORMAT_VERSION,
        "date": DATE.date().isoformat(),
        "versions": {"transformers": transformers.__version__, "python": sys.version.split()[0]},
        "templates": [],
    }
    for name, java_name, source, tokenizer, bos, eos, kwargs in FAMILIES:
        auto = None
        if tokenizer is not None:
            auto = AutoTokenizer.from_pretrained(os.path.join(shared, "tokenizers", tokenizer))
            source = auto.chat_template
            bos, eos = auto.bos_token, auto.eos_token
        entry = {"name": name, "template": java_name, "tokenizer": tokenizer, "kwargs": kwargs,
                 "bos_token": bos, "eos_token": eos, "source": source, "cases": []}
        for k, messages in enumerate(CHATS + EXTRA_CHATS):
            for gen in (True, False) if k in (1, 2, 3) else (True,):
                case = {"messages": messages, "add_generation_prompt": gen}
                try:
                    case["text"] = render(source, messages, bos, eos, kwargs, add_generation_prompt=gen)
                except Exception as e:  # a template that refuses the conversation
                    case["error"] = str(e)
                    entry["cases"].append(case)
                    continue
                if auto is not None:
                    ids = auto.apply_chat_template(messages, add_generation_prompt=gen, tokenize=True,
                                                   return_dict=False, **kwargs)
                    if hasattr(ids, "keys"):
                        ids = ids["input_ids"]
                    text = auto.apply_chat_template(messages, add_generation_prompt=gen, tokenize=False, **kwargs)
                    if text != case["text"]:
                        raise SystemExit(f"{name}: apply_chat_template text differs from render_jinja_template")
                    case["ids"] = list(ids)
                entry["cases"].append(case)
        for messages in CONTINUE_CHATS:
            case = {"messages": messages, "continue_final_message": True}
            try:
                case["text"] = render(source, messages, bos, eos, kwargs, continue_final_message=True)
            except Exception as e:
                case["error"] = str(e)
            if auto is not None and "text" in case:
                ids = auto.apply_chat_template(messages, continue_final_message=True, tokenize=True,
                                               return_dict=False, **kwargs)
                case["ids"] = list(ids["input_ids"] if hasattr(ids, "keys") else ids)
            entry["cases"].append(case)
        out["templates"].append(entry)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(repo), "shared"))
    parser.add_argument("--out", default=os.path.join(repo, "transformer", "src", "test", "resources", "chat",
                                                      "expected_templates.json"))
    args = parser.parse_args()
    data = build(args.shared)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    for t in data["templates"]:
        ok = sum("text" in c for c in t["cases"])
        print(f"{t['name']}: {ok} rendered, {len(t['cases']) - ok} refused, "
              f"{sum('ids' in c for c in t['cases'])} with ids -> {args.out}")


if __name__ == "__main__":
    main()
