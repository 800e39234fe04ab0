"""Vocabularies (ICD-10, modality, anatomy, specialty, profession) and the taggers that apply them."""
