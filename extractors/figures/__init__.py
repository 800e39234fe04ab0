"""PDF figures with their captions, panels and context: the `figures` stage of medforge."""

from extractors.figures.extract import (
    DEFAULT_DPI,
    DocumentFigures,
    ExtractedFigure,
    extract_figures_from_bytes,
    extract_figures_from_pdf,
)
from extractors.figures.pdf import Limits
from extractors.figures.stage import PDF_MEDIA_TYPE, extract_figures, figures_of_document

__all__ = [
    "DEFAULT_DPI",
    "PDF_MEDIA_TYPE",
    "DocumentFigures",
    "ExtractedFigure",
    "Limits",
    "extract_figures",
    "extract_figures_from_bytes",
    "extract_figures_from_pdf",
    "figures_of_document",
]
