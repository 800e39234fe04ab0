"""Errors of the review stage: Label Studio unreachable, a bad token, an annotation that does not fit."""

from __future__ import annotations

from schemas import MedforgeError

TOKEN_ENV = "MEDFORGE_LABEL_STUDIO_TOKEN"
URL_ENV = "MEDFORGE_LABEL_STUDIO_URL"


class LabelStudioUnavailable(MedforgeError):
    """Raised when the Label Studio server cannot be reached, answers with a server error or is too slow."""

    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        super().__init__(
            f"Label Studio at {url} is unavailable: {detail} "
            f"(start one with `medforge review serve`, or set {URL_ENV})"
        )


class LabelStudioAuthError(MedforgeError):
    """Raised when the API token is missing or refused; names the variable that holds it."""

    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        super().__init__(f"Label Studio at {url} refused the API token ({detail}): set {TOKEN_ENV}")


class AnnotationMismatch(MedforgeError):
    """Raised when an annotation does not fit its labeling config (unknown choice, missing field)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
