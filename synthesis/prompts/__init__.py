"""Versioned prompt files: `<name>.v<N>.md` with `## system` and `## user` parts and $variables.

A prompt's version string is `<name>@v<N>+<sha8 of the file>`, so the cache key and the manifest
change even when someone edits a file without bumping its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from schemas import sha256_hex
from synthesis.llm.base import ChatMessage

_FILE = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<number>[0-9]+)\.md$")
_PART = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    """One prompt file, parsed."""

    name: str
    number: int
    system: str
    user: str
    sha256: str

    @property
    def version(self) -> str:
        """What the cache key and the manifest record."""
        return f"{self.name}@v{self.number}+{self.sha256[:8]}"

    def messages(self, variables: dict[str, Any]) -> list[ChatMessage]:
        """System and user messages with $variables filled in."""
        values = {k: str(v) for k, v in variables.items()}
        return [
            ChatMessage("system", Template(self.system).safe_substitute(values).strip()),
            ChatMessage("user", Template(self.user).safe_substitute(values).strip()),
        ]


def parse_prompt(name: str, number: int, text: str) -> Prompt:
    """A prompt from the text of its file."""
    parts = _PART.split(text)
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise ValueError(f"prompt {name}.v{number}.md has no '## user' part")
    return Prompt(name, number, sections.get("system", ""), sections["user"], sha256_hex(text))


@cache
def load_prompt(name: str, number: int | None = None) -> Prompt:
    """The prompt `name` at version `number` (default: the highest shipped)."""
    found: dict[int, str] = {}
    for entry in resources.files(__name__).iterdir():
        match = _FILE.match(entry.name)
        if match and match["name"] == name:
            found[int(match["number"])] = entry.read_text(encoding="utf-8")
    if not found:
        raise KeyError(f"no prompt named {name}")
    chosen = max(found) if number is None else number
    if chosen not in found:
        raise KeyError(f"no prompt {name}.v{chosen}.md")
    return parse_prompt(name, chosen, found[chosen])
