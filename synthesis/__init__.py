"""Items from records: exam pass-through, case-report diagnosis items, figure VQA; LLM backends; translation."""
