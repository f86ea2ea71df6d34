"""Korean-aware catalog search: text becomes Kiwi morphemes, a query matches morpheme prefixes.

"산업용 로봇 운용" is stored as " 산업 로봇 운용"; the query "로봇" becomes " 로봇", which it contains.
"사출성형" is stored as " 사출 성형", so "사출" finds it, and "사출성형" (→ " 사출", " 성형") does too.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

from kiwipiepy import Kiwi

# Content-bearing part-of-speech tags: nouns, numerals, roots, verb/adjective stems, foreign words.
CONTENT_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "XR", "SL", "SN", "SH", "VV", "VA", "MM"})
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _kiwi() -> Kiwi:
    return Kiwi()


def morphemes(text: str) -> list[str]:
    """The content morphemes of `text`, lower-cased, in order (duplicates kept). Korean written decomposed
    (NFD: jamo, as some Mac software sends it) is composed first, or it would match nothing."""
    if not text or not text.strip():
        return []
    kiwi = _kiwi()
    with _lock:  # Kiwi objects are not documented as thread-safe
        tokens = kiwi.tokenize(unicodedata.normalize("NFC", text))
    return [t.form.lower() for t in tokens if t.tag in CONTENT_TAGS or t.tag.startswith("VV") or t.tag.startswith("VA")]


def index_text(*parts: str) -> str:
    """What to store for later matching: unique morphemes, each preceded by a space."""
    seen: dict[str, None] = {}
    for part in parts:
        for m in morphemes(part):
            seen.setdefault(m, None)
    return "".join(f" {m}" for m in seen)


def query_terms(query: str) -> list[str]:
    """The patterns a stored index must contain for `query` to match (all of them)."""
    terms = list(dict.fromkeys(morphemes(query)))
    if not terms and query.strip():
        terms = [unicodedata.normalize("NFC", query.strip()).lower()]
    return [f" {t}" for t in terms]
