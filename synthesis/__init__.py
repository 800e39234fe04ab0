"""Items from records (exam pass-through, case diagnosis, figure VQA), LLM backends, translation."""
