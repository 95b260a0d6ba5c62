"""flexmask's own `transformers` package: only `transformers.masking_utils`, the mask functions
Hugging Face modeling code composes, re-implemented from their documented behaviour."""
