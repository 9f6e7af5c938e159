"""Text folding for search: "Đông Phú Yên", "dong phu yen" and "DONG PHU YEN" fold alike."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case ASCII form of Vietnamese text (đ → d, tones and marks dropped, spaces collapsed)."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def search_words(*parts: str | None) -> str:
    """Stored search text: folded words, each preceded by a space so a query word matches word starts."""
    words = fold(" ".join(p for p in parts if p).replace("-", " - ")).split()
    return " " + " ".join(words) + " "


def word_starts(query: str) -> list[str]:
    """Substrings a `search_words` text must contain for every word of the query to start a word."""
    return [" " + word for word in fold(query.replace("-", " ")).split()]
