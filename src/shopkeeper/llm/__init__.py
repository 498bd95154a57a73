"""The LLM layer: one small protocol, models chosen by a ``"provider:model"`` string.

Configure the model with environment variables (read once, by :class:`shopkeeper.settings.Settings`)::

    SHOPKEEPER_MODEL=dashscope:qwen-plus           # unset: the offline rule model (no LLM)
    DASHSCOPE_API_KEY=sk-...                       # the provider's own key variable

    SHOPKEEPER_MODEL=deepseek:deepseek-chat        # DEEPSEEK_API_KEY
    SHOPKEEPER_MODEL=openai:gpt-4o-mini            # OPENAI_API_KEY
    SHOPKEEPER_MODEL=ollama:qwen3:8b               # a local Ollama, no key
    SHOPKEEPER_MODEL=openai-compatible:my-model    # any OpenAI-compatible server:
    SHOPKEEPER_MODEL_BASE_URL=http://127.0.0.1:8000/v1   # ... its base URL
    SHOPKEEPER_MODEL_API_KEY=...                   # overrides any provider's key
    SHOPKEEPER_MODEL=llamacpp:/models/qwen3-1.7b-q8_0.gguf   # in-process: pip install 'shopkeeper[llamacpp]'
    SHOPKEEPER_MODEL=deepseek:deepseek-chat,offline   # a fallback chain, tried in order

    SHOPKEEPER_MODEL_TIMEOUT_S=60    SHOPKEEPER_MODEL_RETRIES=2    SHOPKEEPER_MASK_PII=true

Then ``infer_model(settings.model, settings)`` (:mod:`shopkeeper.llm.registry`) gives a
:class:`~shopkeeper.llm.base.Model`. A fallback chain moves to the next model only on declared
transient failures (timeouts, connection errors, HTTP 429 and 5xx, after the retries).

Before store data goes to a model outside this machine (``model.external``), buyers' phones,
addresses, emails, ID numbers, names and nicks are replaced by placeholders and restored in the
answer (:mod:`shopkeeper.llm.privacy`; ``SHOPKEEPER_MASK_PII=false`` turns it off).

Modules: :mod:`~shopkeeper.llm.base` (the protocol types), :mod:`~shopkeeper.llm.registry`
(names, fallback), :mod:`~shopkeeper.llm.openai_compat` (HTTP client),
:mod:`~shopkeeper.llm.llamacpp` (local GGUF), :mod:`~shopkeeper.llm.privacy` (masking),
:mod:`~shopkeeper.llm.testing` (test doubles; the suite blocks real requests through
``shopkeeper.llm.base.ALLOW_MODEL_REQUESTS``). External MCP servers as extra tools live in
:mod:`shopkeeper.agents.mcp_tools`.
"""
