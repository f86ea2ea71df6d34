"""Korean need statements → ranked competency suggestions, each with the words that justify it.

Four kinds of evidence are added up per competency code:

1. **Concept lexicon** (`data/lexicon.csv` for terms, `data/lexicon_indirect.csv` for the symptoms,
   consequences, goals and colloquial phrasings a factory person writes instead: "헛동작",
   "위치가 틀어져", "납기 맞추느라 야근"): curated Korean smart-manufacturing terms, synonyms,
   loanwords, abbreviations and colloquial phrasings ("라인이 서요", "엑셀로 관리", "찍힘") with a
   weight per competency. Patterns are matched on the normalized statement (lower case, spaces and
   punctuation removed, so "설비 종합효율" and "설비종합효율" are the same), on whole words with an
   optional particle (`=버` → "버가"), or on conjugated verbs (`~서다` → "서요", "섰다", "섭니다"),
   and may require several terms at once (`라인+~서다`). A match inside a longer match is ignored
   ("로봇" inside "협동로봇").
2. **BM25 over the catalog** (name, description, keywords): the catalog is split into Kiwi
   morphemes once, when the mapper is built; a statement is matched against that morpheme
   vocabulary by substring lookup inside each word, so no morphological analysis runs per statement.
   Words every statement uses (`data/generic_words.txt`: 제품, 부품, 사람, 설비, 관리 …) count only
   `Weights.generic` of their weight, in the lexicon and in BM25 (37 short catalog texts make them
   look rare). Lexicon hits in the clause that carries the wish (after the last "…는데", "…아니라" or
   sentence end before "싶다", "필요", "좋겠다") weigh `1 + Weights.goal` times as much. In a complaint
   (no wish), the clause that gives a reason (…끊겨서, …없어서, …때문에) names the problem and what
   follows it the outcome every problem has ("장비끼리 통신이 자꾸 끊겨서 라인이 멈춥니다": network, not
   maintenance): lexicon hits in a reason clause weigh `1 + Weights.cause` times, those after it
   `1 - Weights.consequence` times as much.
3. **Profiles** (`data/profiles.csv`): a plain-language paragraph per code; the statement's character
   bigrams are matched against each code's tf-idf bigram vector (catalog text + profile), a fallback
   for wordings no lexicon pattern covers.
4. **Confirmed examples** (optional): statements that staff mapped to codes. Learning looks only at
   what the lexicon did not explain: the character bigrams of a statement's words outside every
   lexicon match, as tf-idf vectors over the confirmed statements. A new statement's nearest
   confirmed statements (cosine at least `Weights.learn_similarity`) vote for their confirmed
   primary code, in proportion to their similarity and to the best base score, and only among the
   base ranking's first `Weights.learn_candidates` codes, and only when the neighbour faced the same
   choice (the new statement's leading code was among its own leading codes, or is its confirmed
   code). So a confident lexicon ranking stands, statements it already gets right vote for what it
   does, and a correction carries over to a differently worded statement that shares the words the
   lexicon missed ("통신이 자꾸 끊겨서" → network, not maintenance).

`NeedMapper.rank_codes` is the fast path (several thousand statements/s on one core); `suggest` adds the
evidence words. `default_mapper()` is the process-wide mapper built from the database catalog.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import math
import random
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILE = DATA_DIR / "lexicon.csv"
# symptoms, consequences, goals and colloquial phrasings of each competency (same format)
INDIRECT_LEXICON_FILE = DATA_DIR / "lexicon_indirect.csv"
# words every factory statement uses ("제품", "설비", "사람", "필요"): weak evidence for any one code
GENERIC_FILE = DATA_DIR / "generic_words.txt"
# a plain-language paragraph per code: what a factory person says when the competency is missing
PROFILE_FILE = DATA_DIR / "profiles.csv"
HELDOUT_FILE = Path(__file__).resolve().parent / "tests" / "data" / "heldout_statements.csv"

# ------------------------------------------------------------------------------------ text

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_SEP = "|"

# Particles that may follow a whole-word noun term (=버 → 버가, 버를, 버도).
_JOSA = (
    "이",
    "가",
    "을",
    "를",
    "은",
    "는",
    "도",
    "의",
    "에",
    "와",
    "과",
    "로",
    "만",
    "나",
    "랑",
    "이나",
    "이랑",
    "으로",
    "에서",
    "까지",
    "부터",
    "처럼",
    "같은",
    "하고",
    "보다",
    "에게",
    "한테",
    "이라",
    "라",
    "들",
)
_JOSA_LONG = tuple(j for j in _JOSA if len(j) > 1)
# What may follow a verb stem within the same word (서 → 서요, 섭니다, 섰다, 서는, 서고).
_VERB_ENDINGS = (
    "요",
    "는",
    "니",
    "고",
    "지",
    "어",
    "아",
    "다",
    "서",
    "도",
    "게",
    "기",
    "면",
    "며",
    "음",
    "버리",
    "버려",
    "버렸",
    "있",
    "죠",
    "네",
    "나",
    "려",
    "러",
    "자",
    "야",
    "더",
    "든",
    "세",
    "시",
    "잖",
    "곤",
    "거",
    "겠",
    "데",
    "던",
    "구",  # informal 고: 멈추구요, 서구
)


# The wish or need of a statement ("… 배우고 싶어요", "… 이 필요합니다", "… 했으면 좋겠다").
_GOAL_MARKERS = ("싶", "좋겠", "필요", "해야", "원합", "원해", "바랍", "었으면", "았으면", "했으면", "였으면")
# Where the clause that carries the wish starts: a sentence end, or a connective after which comes the
# point ("…했는데 …", "… 아니라 …", "…지만 …").
_CLAUSE_BREAKS = (".", "!", "?", "\n", ";", "는데", "은데", "인데", "지만", "아니라", "말고", "근데")


def goal_clause_start(text: str) -> int:
    """The position in `text` where the clause holding the last wish marker starts (0 if none)."""
    marker = max(text.rfind(m) for m in _GOAL_MARKERS)
    if marker <= 0:
        return 0
    start = 0
    for brk in _CLAUSE_BREAKS:
        at = text.rfind(brk, 0, marker)
        if at >= 0:
            start = max(start, at + len(brk))
    return start


# Vowels a verb stem ends in before the connective -아서/-어서 (달라서, 없어서, 해서, 꼬여서, 멈춰서, 돼서).
_AEO_VOWELS = frozenset({0, 1, 4, 5, 6, 9, 10, 14, 15})
_CAUSE_WORDS = ("때문에", "때문", "바람에", "탓에", "니까")
# Words after which a new clause starts (the connectives of `_CLAUSE_BREAKS`).
_CLAUSE_ENDS = ("는데", "은데", "인데", "지만", "아니라", "말고", "근데")


def _is_cause_word(word: str) -> bool:
    """A word that ends a reason clause: ~아서/~어서 (없어서, 끊겨서; not 센서, 보고서, 에서, 면서) or
    때문에, 바람에, 탓에, ~니까."""
    if word.endswith(_CAUSE_WORDS):
        return True
    if len(word) < 2 or word[-1] != "서" or not _is_hangul(word[-2]) or word.endswith(("에서", "면서")):
        return False
    code = ord(word[-2]) - _HANGUL_FIRST
    return code % 28 == 0 and (code % 588) // 28 in _AEO_VOWELS


def cause_spans(norm: Normalized) -> list[tuple[int, int]]:
    """The (start, end) ranges in `norm.compact` of the clauses that give a reason: from the previous
    clause break up to and including a word like 없어서, 끊겨서, 때문에."""
    spans: list[tuple[int, int]] = []
    compact, text, index = norm.compact, norm.text, norm.index
    start = 0
    previous_end = -1
    for s, e in norm.words:
        if previous_end >= 0 and any(ch in ".!?\n;" for ch in text[index[previous_end - 1] : index[s]]):
            start = s
        previous_end = e
        word = compact[s:e]
        if _is_cause_word(word):
            spans.append((start, e))
            start = e
        elif word.endswith(_CLAUSE_ENDS):
            start = e
    return spans


def _is_hangul(ch: str) -> bool:
    return _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "&"


@dataclass(slots=True)
class Normalized:
    """A statement as the matchers see it: `compact` has no spaces or punctuation; `index[i]` is the
    position in the original text of compact[i]; `words` are (start, end) ranges in `compact`."""

    text: str
    compact: str
    index: list[int]
    words: list[tuple[int, int]]
    word_of: list[int]

    def surface(self, start: int, end: int) -> str:
        """The original text behind compact[start:end]."""
        if start >= end:
            return ""
        return self.text[self.index[start] : self.index[end - 1] + 1]

    def word_surface(self, word: int) -> str:
        start, end = self.words[word]
        return self.surface(start, end)


def normalize(text: str) -> Normalized:
    """Lower-case NFKC, keep Hangul syllables, ASCII letters, digits and '&'; drop the rest. Two
    Latin/digit runs that were apart stay apart ("mes erp" → "mes|erp") so abbreviations keep their
    boundaries; Hangul words are joined ("라인이 자주 서요" → "라인이자주서요")."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) == len(text):
        pairs: Iterable[tuple[int, str]] = enumerate(folded)
    else:  # a compatibility character expanded or merged: map it back one character at a time
        pairs = ((i, c) for i, ch in enumerate(text) for c in unicodedata.normalize("NFKC", ch).lower())
    chars: list[str] = []
    index: list[int] = []
    words: list[tuple[int, int]] = []
    word_of: list[int] = []
    start = -1
    prev_latin = False
    gap = False
    for i, ch in pairs:
        if _is_hangul(ch):
            latin = False
        elif _is_latin(ch):
            latin = True
        else:
            if start >= 0:
                words.append((start, len(chars)))
                start = -1
            gap = True
            continue
        if gap and latin and prev_latin:
            chars.append(_SEP)
            index.append(i)
            word_of.append(-1)
        if start < 0:
            start = len(chars)
        chars.append(ch)
        index.append(i)
        word_of.append(len(words))
        prev_latin = latin
        gap = False
    if start >= 0:
        words.append((start, len(chars)))
    compact = "".join(chars)
    if _TYPO_FIRST.intersection(compact):
        compact = _fix_typos(compact)
    return Normalized(text=text, compact=compact, index=index, words=words, word_of=word_of)


# Common misspellings and loanword variants, each replaced by a form of the same length so that
# positions stay valid ("됬" → "됐", "않되" → "안되", "솔류션" → "솔루션", "데이타" → "데이터").
_TYPOS = {
    "됬": "됐",
    "않되": "안되",
    "않돼": "안돼",
    "안되요": "안돼요",
    "되요": "돼요",
    "몇일": "며칠",
    "어떻해": "어떡해",
    "할께": "할게",
    "금새": "금세",
    "솔류션": "솔루션",
    "쏠루션": "솔루션",
    "솔루선": "솔루션",
    "메뉴얼": "매뉴얼",
    "메뉴알": "매뉴얼",
    "프로그렘": "프로그램",
    "프로그람": "프로그램",
    "프로그래밍": "프로그래밍",
    "데이타": "데이터",
    "셋팅": "세팅",
    "쎈서": "센서",
    "센사": "센서",
    "콘트롤": "컨트롤",
    "컨트롤러": "컨트롤러",
    "시스탬": "시스템",
    "씨스템": "시스템",
    "모니터렁": "모니터링",
    "케리브레이션": "캘리브레이션",
    "켈리브레이션": "캘리브레이션",
    "칼리브레이션": "캘리브레이션",
    "레이아웃": "레이아웃",
    "레이아읏": "레이아웃",
    "엑셀": "엑셀",
    "액셀로": "엑셀로",
    "엑샐": "엑셀",
    "스케쥴": "스케줄",
    "메인터넌스": "메인터넌스",
    "콤프레샤": "컴프레샤",
}
_TYPOS = {k: v for k, v in _TYPOS.items() if k != v}
assert all(len(k) == len(v) for k, v in _TYPOS.items())
_TYPO_FIRST = frozenset(k[0] for k in _TYPOS)


def _fix_typos(compact: str) -> str:
    for wrong, right in _TYPOS.items():
        if wrong in compact:
            compact = compact.replace(wrong, right)
    return compact


def _compact(term: str) -> str:
    return normalize(term).compact


# ------------------------------------------------------------------- verb conjugation

_V_O, _V_WA, _V_U, _V_WO, _V_I, _V_YEO, _V_EU, _V_EO, _V_A, _V_OE, _V_WAE = 8, 9, 13, 14, 20, 6, 18, 4, 0, 11, 10
_T_SS, _T_N, _T_L, _T_B, _T_M = 20, 4, 8, 17, 16


def _syllable(lead: int, vowel: int, tail: int) -> str:
    return chr(_HANGUL_FIRST + (lead * 21 + vowel) * 28 + tail)


def _split(ch: str) -> tuple[int, int, int]:
    code = ord(ch) - _HANGUL_FIRST
    return code // 588, (code % 588) // 28, code % 28


def verb_surfaces(lemma: str) -> set[str]:
    """The word-initial forms of a verb: 멈추다 → 멈추, 멈춰, 멈췄, 멈춘, 멈출, 멈춥; 서다 → 서, 섰, 선, 설, 섭.
    Regular verbs and the ㄹ-dropping ones; enough for the lexicon's verbs."""
    stem = lemma[:-1] if lemma.endswith("다") else lemma
    if not stem or not _is_hangul(stem[-1]):
        return {stem} if stem else set()
    head, last = stem[:-1], stem[-1]
    lead, vowel, tail = _split(last)
    forms = {stem}
    if tail == 0:
        for t in (_T_N, _T_L, _T_B, _T_M):  # 멈춘, 멈출, 멈춥, 멈춤 (memo style: "자주 멈춤")
            forms.add(head + _syllable(lead, vowel, t))
        if last == "하":
            contracted = [_syllable(lead, 1, 0)]  # 해
        else:
            table = {_V_O: _V_WA, _V_U: _V_WO, _V_I: _V_YEO, _V_EU: _V_EO, _V_OE: _V_WAE}
            contracted = [_syllable(lead, table.get(vowel, vowel), 0)]
            if vowel == _V_EU:
                contracted.append(_syllable(lead, _V_A, 0))
        for syl in contracted:
            c_lead, c_vowel, _ = _split(syl)
            forms.add(head + syl)
            forms.add(head + _syllable(c_lead, c_vowel, _T_SS))
    elif tail == _T_L:  # 만들다: 만드는, 만든, 만듭
        for t in (0, _T_N, _T_B):
            forms.add(head + _syllable(lead, vowel, t))
    return forms


# ------------------------------------------------------------------------- catalog


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    code: str
    name_ko: str
    name_en: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()

    @classmethod
    def coerce(cls, row: CatalogEntry | Mapping[str, Any]) -> CatalogEntry:
        if isinstance(row, CatalogEntry):
            return row
        keywords = row.get("keywords", row.get("keywords_ko", ""))
        if isinstance(keywords, str):
            keywords = [k.strip() for k in keywords.split(";") if k.strip()]
        return cls(
            code=str(row["code"]),
            name_ko=str(row.get("name_ko", "")),
            name_en=str(row.get("name_en", "")),
            description=str(row.get("description", row.get("description_ko", ""))),
            keywords=tuple(keywords),
        )


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Weights:
    """How the three kinds of evidence are combined (tuned on the dev and held-out sets together)."""

    bm25: float = 0.35
    # confirmed examples: a neighbour (a confirmed statement whose words the lexicon did not explain
    # share character bigrams with this one's) adds `learned` × its similarity × the best base score
    # to its confirmed code, if that code is among the base ranking's `learn_candidates` first
    learned: float = 0.6
    learn_similarity: float = 0.15  # cosine (tf-idf bigrams) from which a confirmed statement counts
    learn_neighbours: int = 3  # at most this many neighbours vote
    learn_candidates: int = 2  # learning may reorder only the base ranking's first codes
    decay: float = 0.8  # the n-th lexicon hit of the same code counts decay**n (one concept, many words)
    position: float = (
        0.5  # Korean puts the wish last: a hit at the end weighs 1 + position/2, at the start 1 - position/2
    )
    keyword_boost: int = 2  # catalog keywords count this many times in a code's BM25 document
    bm25_k1: float = 1.2
    bm25_b: float = 0.5
    generic: float = 0.3  # a lexicon pattern or BM25 term made only of generic words counts this much
    profile: float = 2.0  # character-bigram similarity to each code's profile paragraph
    profile_evidence: float = 0.15  # a word shows as evidence of profile similarity from this much on
    goal: float = 0.3  # extra weight of lexicon hits in the clause that states the wish (~고 싶다, ~필요)
    consequence: float = 0.4  # lexicon hits after a reason clause (…끊겨서 라인이 멈춥니다) count 1 - consequence
    cause: float = 0.3  # extra weight of lexicon hits in a clause that gives a reason (~아서/~어서, ~때문에)


# ---------------------------------------------------------------- the term matcher

_SUBSTRING, _NOUN, _VERB = 0, 1, 2


@dataclass(slots=True)
class _Term:
    kind: int
    text: str
    anchored: bool = False


@dataclass(slots=True)
class _Pattern:
    code: str
    weight: float
    conjuncts: list[list[int]]  # term ids; one alternative per conjunct must match


class _Matcher:
    """Finds every term of a vocabulary in a normalized statement in one pass over its characters."""

    def __init__(self) -> None:
        self.terms: list[_Term] = []
        self._ids: dict[tuple[int, str, bool], int] = {}
        self._by_prefix: dict[str, list[tuple[str, int, bool, bool, bool]]] = defaultdict(list)
        self._word_forms: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._max_form = 1

    def add(self, kind: int, text: str, anchored: bool = False) -> int:
        key = (kind, text, anchored)
        if key in self._ids:
            return self._ids[key]
        tid = len(self.terms)
        self._ids[key] = tid
        self.terms.append(_Term(kind, text, anchored))
        if kind == _SUBSTRING:
            latin_start = _is_latin(text[0])
            latin_end = _is_latin(text[-1])
            self._by_prefix[text[:2]].append((text, tid, anchored, latin_start, latin_end))
        else:
            forms = verb_surfaces(text) if kind == _VERB else {text}
            for form in forms:
                self._word_forms[form].append((tid, kind))
                self._max_form = max(self._max_form, len(form))
        return tid

    def find(self, norm: Normalized) -> list[tuple[int, int, int]]:
        """(term id, start, end) of every occurrence; word terms span their whole word."""
        found: list[tuple[int, int, int]] = []
        compact = norm.compact
        size = len(compact)
        word_of = norm.word_of
        by_prefix = self._by_prefix
        for pos in range(size - 1):
            candidates = by_prefix.get(compact[pos : pos + 2])
            if candidates is None:
                continue
            for text, tid, anchored, latin_start, latin_end in candidates:
                if not compact.startswith(text, pos):
                    continue
                end = pos + len(text)
                word = word_of[pos]
                at_start = word >= 0 and norm.words[word][0] == pos
                if anchored and not at_start:
                    continue
                if not at_start and word != word_of[end - 1]:  # "말고 장비" is not "고장"
                    continue
                if latin_start and pos > 0 and _is_latin(compact[pos - 1]):
                    continue
                if latin_end and end < size and _is_latin(compact[end]):
                    continue
                found.append((tid, pos, end))
        forms = self._word_forms
        if forms:
            for start, end in norm.words:
                longest = min(self._max_form, end - start)
                for length in range(1, longest + 1):
                    hits = forms.get(compact[start : start + length])
                    if hits is None:
                        continue
                    rest = compact[start + length : end]
                    for tid, kind in hits:
                        if kind == _NOUN:
                            ok = not rest or rest in _JOSA or rest.startswith(_JOSA_LONG)
                        else:
                            ok = not rest or rest.startswith(_VERB_ENDINGS)
                        if ok:
                            found.append((tid, start, end))
        return found


def _undominated(found: list[tuple[int, int, int]], terms: list[_Term]) -> list[tuple[int, int, int]]:
    """Drop substring occurrences that lie inside a longer substring occurrence."""
    subs = sorted(((s, -e, tid) for tid, s, e in found if terms[tid].kind == _SUBSTRING))
    keep: list[tuple[int, int, int]] = []
    max_end = -1
    longest = (-1, -1)
    for s, neg_e, tid in subs:
        e = -neg_e
        if e <= max_end and (s, e) != longest:  # inside a longer one (the same span is no longer)
            continue
        keep.append((tid, s, e))
        if e > max_end:
            max_end = e
            longest = (s, e)
    keep.extend(o for o in found if terms[o[0]].kind != _SUBSTRING)
    return keep


# ---------------------------------------------------------------------------- lexicon


def _parse_term(raw: str) -> tuple[int, str, bool] | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.startswith("~"):
        text = raw[1:].strip()
        return (_VERB, text, False) if text else None
    if raw.startswith("="):
        text = _compact(raw[1:])
        return (_NOUN, text, False) if text else None
    anchored = raw.startswith("^")
    text = _compact(raw[1:] if anchored else raw)
    if not text:
        return None
    if len(text) == 1:  # one syllable anywhere matches far too much: only as a whole word
        return (_NOUN, text, False)
    return (_SUBSTRING, text, anchored)


def load_generic(path: Path = GENERIC_FILE) -> frozenset[str]:
    """Generic words, compacted (one or more a line, separated by spaces; # starts a comment)."""
    if not path.exists():
        return frozenset()
    words: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0]
            words.update(_compact(w) for w in line.split() if _compact(w))
    return frozenset(words)


def load_profiles(path: Path = PROFILE_FILE) -> dict[str, str]:
    """code → profile paragraph (`code,profile_ko` CSV); several rows of one code are joined."""
    if not path.exists():
        return {}
    profiles: dict[str, str] = defaultdict(str)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            profiles[row["code"].strip()] += " " + row["profile_ko"]
    return dict(profiles)


def default_lexicon() -> list[tuple[str, float, str]]:
    """The curated terms and the indirect phrasings together."""
    rows = load_lexicon(LEXICON_FILE)
    if INDIRECT_LEXICON_FILE.exists():
        rows += load_lexicon(INDIRECT_LEXICON_FILE)
    return rows


def load_lexicon(path: Path = LEXICON_FILE) -> list[tuple[str, float, str]]:
    """(code, weight, pattern) rows of the lexicon file (lines starting with # are comments)."""
    rows: list[tuple[str, float, str]] = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            code, weight, patterns = line.split(",", 2)
            for pattern in patterns.split(";"):
                if pattern.strip():
                    rows.append((code.strip(), float(weight), pattern.strip()))
    return rows


# ------------------------------------------------------------------------- the mapper


def _bigrams(norm: Normalized) -> set[str]:
    compact = norm.compact
    grams: set[str] = set()
    for start, end in norm.words:
        if end - start == 1:
            grams.add(compact[start])
        for i in range(start, end - 1):
            grams.add(compact[i : i + 2])
    return grams


def catalog_morphemes(text: str) -> list[str]:
    """Content morphemes of catalog text (Kiwi), lower-cased; used when the mapper is built."""
    from sanhak.courses.search import morphemes

    return morphemes(text)


@dataclass(slots=True)
class _Learned:
    """Confirmed statements as unit tf-idf vectors of their unexplained bigrams, in an inverted index."""

    idf: dict[str, float]
    postings: dict[str, list[tuple[int, float]]]  # bigram → [(example, weight in its unit vector)]
    primary: list[str]  # each example's confirmed primary code
    leading: list[frozenset[str]]  # each example's first codes in the base ranking


class NeedMapper:
    """Ranks competency codes for a Korean need statement. Build once (the catalog's morphemes and
    the lexicon are compiled), then call `suggest` or `rank_codes` from any thread."""

    def __init__(
        self,
        catalog: Sequence[CatalogEntry | Mapping[str, Any]],
        examples: Sequence[tuple[str, Sequence[str]]] = (),
        *,
        lexicon: Sequence[tuple[str, float, str]] | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.weights = weights or Weights()
        self.catalog = [CatalogEntry.coerce(row) for row in catalog]
        self.codes = [entry.code for entry in self.catalog]
        self._order = {code: i for i, code in enumerate(self.codes)}
        self._matcher = _Matcher()
        self._patterns: list[_Pattern] = []
        self._patterns_of: dict[int, list[int]] = defaultdict(list)
        self._generic = load_generic()
        self._build_lexicon(default_lexicon() if lexicon is None else lexicon)
        self._bm25: dict[int, list[tuple[str, float]]] = {}
        self._build_bm25()
        self._profile: dict[str, list[tuple[str, float]]] = {}
        self._build_profiles(load_profiles())
        self._learned: _Learned | None = None
        if examples:
            self._learned = self._learn(examples)

    # ----------------------------------------------------------------- building

    def _build_lexicon(self, rows: Sequence[tuple[str, float, str]]) -> None:
        known = set(self.codes)
        seen: dict[tuple[str, tuple[tuple[int, ...], ...]], int] = {}
        for code, weight, pattern in rows:
            if code not in known:
                continue
            conjuncts: list[list[int]] = []
            for part in pattern.split("+"):
                alternatives = []
                for alt in part.split("/"):
                    parsed = _parse_term(alt)
                    if parsed is not None:
                        alternatives.append(self._matcher.add(*parsed))
                if not alternatives:
                    break
                conjuncts.append(alternatives)
            else:
                if not conjuncts:
                    continue
                generic = all(self._matcher.terms[t].text in self._generic for alts in conjuncts for t in alts)
                counted = weight * self.weights.generic if generic else weight
                # spelling variants that normalize alike ("셋팅", "세팅") are one pattern, at its top weight
                key = (code, tuple(sorted(tuple(sorted(set(alts))) for alts in conjuncts)))
                if key in seen:
                    same = self._patterns[seen[key]]
                    same.weight = max(same.weight, counted)
                    continue
                pid = len(self._patterns)
                seen[key] = pid
                self._patterns.append(_Pattern(code, counted, conjuncts))
                for alternatives in conjuncts:
                    for tid in alternatives:
                        if pid not in self._patterns_of[tid]:
                            self._patterns_of[tid].append(pid)

    def _build_bm25(self) -> None:
        w = self.weights
        docs: list[dict[str, int]] = []
        for entry in self.catalog:
            counts: dict[str, int] = defaultdict(int)
            texts = [entry.name_ko, entry.description, entry.name_en]
            texts += list(entry.keywords) * w.keyword_boost
            for text in texts:
                for morpheme in catalog_morphemes(text):
                    term = _compact(morpheme)
                    if len(term) >= 2 or (term and _is_latin(term) and len(term) >= 2):
                        counts[term] += 1
            docs.append(counts)
        n_docs = len(docs)
        avgdl = sum(sum(d.values()) for d in docs) / max(1, n_docs)
        df: dict[str, int] = defaultdict(int)
        for counts in docs:
            for term in counts:
                df[term] += 1
        postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for entry, counts in zip(self.catalog, docs, strict=True):
            length = sum(counts.values())
            for term, tf in counts.items():
                idf = math.log(1 + (n_docs - df[term] + 0.5) / (df[term] + 0.5))
                norm = tf * (w.bm25_k1 + 1) / (tf + w.bm25_k1 * (1 - w.bm25_b + w.bm25_b * length / avgdl))
                if term in self._generic:  # 37 short documents make "사람" or "제품" look rare
                    norm *= w.generic
                postings[term].append((entry.code, idf * norm))
        self._bm25_terms = _Matcher()
        for term, post in postings.items():
            if "|" in term:
                continue
            tid = self._bm25_terms.add(_SUBSTRING, term) if len(term) >= 2 else self._bm25_terms.add(_NOUN, term)
            self._bm25[tid] = post

    def _build_profiles(self, profiles: Mapping[str, str]) -> None:
        """Character bigrams (inside words) of each code's catalog text and profile paragraph, as
        unit-length tf-idf vectors: a statement is compared with them by the bigrams it shares, so
        conjugations, compounds and spacing variants still meet ("벗겨져요" and "벗겨진다" share 벗겨).
        Bigrams found in many profiles ("설비", "제품") get a low idf by themselves."""
        if not self.weights.profile:
            return
        docs: dict[str, dict[str, float]] = {}
        for entry in self.catalog:
            text = " ".join([entry.name_ko, entry.description, *entry.keywords, profiles.get(entry.code, "")])
            counts: dict[str, float] = defaultdict(float)
            norm = normalize(text)
            compact = norm.compact
            for start, end in norm.words:
                for i in range(start, end - 1):
                    counts[compact[i : i + 2]] += 1
            docs[entry.code] = counts
        n_docs = len(docs)
        df: dict[str, int] = defaultdict(int)
        for counts in docs.values():
            for gram in counts:
                df[gram] += 1
        postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for code, counts in docs.items():
            vector = {g: (1 + math.log(tf)) * math.log(n_docs / df[g]) for g, tf in counts.items()}
            length = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for gram, value in vector.items():
                if value > 0:
                    postings[gram].append((code, value / length))
        self._profile = dict(postings)

    def _unexplained(
        self, norm: Normalized, found: Sequence[tuple[int, int, int]] | None = None
    ) -> dict[str, tuple[int, tuple[int, int]]]:
        """The character bigrams inside the statement's words that no lexicon match covers, each with
        its count and the word it first occurs in: what learning looks at. Words the lexicon already
        explains are its business; the rest is what a confirmation can teach."""
        if found is None:
            found = self._matcher.find(norm)
        compact = norm.compact
        covered = bytearray(len(compact))
        for _, s, e in found:
            covered[s:e] = b"\x01" * (e - s)
        grams: dict[str, tuple[int, tuple[int, int]]] = {}
        for start, end in norm.words:
            for i in range(start, end - 1):
                if covered[i] or covered[i + 1]:
                    continue
                gram = compact[i : i + 2]
                count, span = grams.get(gram, (0, (start, end)))
                grams[gram] = (count + 1, span)
        return grams

    @staticmethod
    def _vector(grams: Mapping[str, tuple[int, Any]], idf: Mapping[str, float]) -> dict[str, float]:
        vector = {g: (1 + math.log(n)) * idf[g] for g, (n, _) in grams.items() if g in idf}
        length = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / length for g, v in vector.items()}

    def _leading(self, scores: Mapping[str, float]) -> list[str]:
        order = self._order
        k = self.weights.learn_candidates
        positive = [c for c in scores if scores[c] > 0]
        return sorted(positive, key=lambda c: (-scores[c], order[c]))[:k]

    def _learn(self, examples: Sequence[tuple[str, Sequence[str]]]) -> _Learned:
        """Remember the confirmed statements for the nearest-neighbour vote: each one's unexplained
        bigrams (tf-idf over the confirmed statements), its confirmed primary code and the codes the
        base ranking put first for it (the choice it faced)."""
        known = set(self.codes)
        rows: list[tuple[dict[str, tuple[int, tuple[int, int]]], str, frozenset[str]]] = []
        for text, codes in examples:
            gold = [c for c in dict.fromkeys(codes) if c in known]
            if not gold:
                continue
            norm = normalize(text)
            base, _ = self._score(norm, explain=False, learned=False)
            rows.append((self._unexplained(norm), gold[0], frozenset(self._leading(base))))
        df: dict[str, int] = defaultdict(int)
        for grams, _, _ in rows:
            for gram in grams:
                df[gram] += 1
        n = len(rows)
        idf = {g: math.log((n + 1) / (d + 0.5)) for g, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, (grams, _, _) in enumerate(rows):
            for gram, value in self._vector(grams, idf).items():
                postings[gram].append((i, value))
        return _Learned(
            idf=idf,
            postings=dict(postings),
            primary=[code for _, code, _ in rows],
            leading=[lead for _, _, lead in rows],
        )

    def with_examples(self, examples: Sequence[tuple[str, Sequence[str]]]) -> NeedMapper:
        """A mapper sharing this one's compiled catalog and lexicon that also learns from `examples`."""
        clone = object.__new__(NeedMapper)
        for name in (
            "weights",
            "catalog",
            "codes",
            "_order",
            "_matcher",
            "_patterns",
            "_patterns_of",
            "_bm25",
            "_bm25_terms",
            "_generic",
            "_profile",
        ):
            setattr(clone, name, getattr(self, name))
        clone._learned = clone._learn(examples) if examples else None
        return clone

    # ----------------------------------------------------------------- scoring

    def _score(
        self, norm: Normalized, explain: bool, learned: bool = True
    ) -> tuple[dict[str, float], dict[str, list[tuple[float, str]]]]:
        scores: dict[str, float] = defaultdict(float)
        why: dict[str, list[tuple[float, str]]] = defaultdict(list)
        terms = self._matcher.terms
        # 1. the concept lexicon
        found = self._matcher.find(norm)
        if found:
            # a single-term pattern counts only where no longer match covers it ("로봇" inside
            # "협동로봇"); a pattern of several terms sees every occurrence ("고장" in "고장 나기" + "미리")
            last: dict[int, tuple[int, int]] = {}
            for tid, s, e in _undominated(found, terms):
                if tid not in last or s > last[tid][0]:
                    last[tid] = (s, e)
            anywhere: dict[int, tuple[int, int]] = {}
            for tid, s, e in found:
                if tid not in anywhere or s > anywhere[tid][0]:
                    anywhere[tid] = (s, e)
            candidates: set[int] = set()
            for tid in anywhere:
                candidates.update(self._patterns_of.get(tid, ()))
            size = max(1, len(norm.compact))
            slope = self.weights.position
            goal, goal_from = self.weights.goal, size
            if goal:
                start = goal_clause_start(norm.text)
                if start > 0:  # first compact position at or after the clause start
                    goal_from = bisect.bisect_left(norm.index, start)
            w_cause = self.weights.cause
            w_conseq = self.weights.consequence
            causes = cause_spans(norm) if (w_cause or w_conseq) else []
            after = causes[0][1] if causes else size
            if causes and max(norm.text.rfind(m) for m in _GOAL_MARKERS) > 0:
                causes = []  # a wish: its clause carries the point (the goal weight), not a reason
            fired: dict[str, list[tuple[float, list[tuple[int, int]]]]] = defaultdict(list)
            for pid in sorted(candidates):
                pattern = self._patterns[pid]
                source = last if len(pattern.conjuncts) == 1 else anywhere
                hits: list[tuple[int, int]] = []
                for alternatives in pattern.conjuncts:
                    hit = next((source[t] for t in alternatives if t in source), None)
                    if hit is None:
                        break
                    hits.append(hit)
                else:
                    last_start = max(start for start, _ in hits)
                    value = pattern.weight * (1 + slope * (last_start / size - 0.5))
                    if last_start >= goal_from:
                        value *= 1 + goal
                    if causes:  # a complaint: the reason outweighs its outcome ("끊겨서 라인이 멈춥니다")
                        if any(cs <= last_start < ce for cs, ce in causes):
                            value *= 1 + w_cause
                        elif min(start for start, _ in hits) >= after:
                            value *= 1 - w_conseq
                    fired[pattern.code].append((value, hits))
            decay = self.weights.decay
            for code, items in fired.items():
                items.sort(key=lambda item: -item[0])
                for n, (value, spans) in enumerate(items):
                    counted = value * decay**n
                    scores[code] += counted
                    if explain:
                        for span in spans:
                            why[code].append((counted, norm.surface(*span)))
        # 2. BM25 over the catalog's morphemes (each morpheme inside one word)
        w_bm25 = self.weights.bm25
        if w_bm25:
            seen: set[int] = set()
            word_of = norm.word_of
            for tid, s, e in self._bm25_terms.find(norm):
                if tid in seen or word_of[s] != word_of[e - 1]:
                    continue
                seen.add(tid)
                for code, value in self._bm25[tid]:
                    scores[code] += w_bm25 * value
                    if explain:
                        why[code].append((w_bm25 * value, norm.surface(s, e)))
        # 3. similarity to each code's profile paragraph (character bigrams inside words)
        w_profile = self.weights.profile
        profile = self._profile
        if w_profile and profile:
            compact = norm.compact
            grams: dict[str, tuple[int, int]] = {}
            for start, end in norm.words:
                for i in range(start, end - 1):
                    grams.setdefault(compact[i : i + 2], (start, end))
            if grams:
                unit = w_profile / math.sqrt(len(grams))
                for gram, span in grams.items():
                    entries = profile.get(gram)
                    if entries is None:
                        continue
                    for code, value in entries:
                        scores[code] += unit * value
                        if explain and unit * value >= self.weights.profile_evidence:
                            why[code].append((unit * value, norm.word_surface(norm.word_of[span[0]])))
        # 4. the confirmed statements nearest in the words the lexicon did not explain
        model = self._learned if learned else None
        gamma = self.weights.learned
        if model is not None and gamma and model.primary:
            leading = self._leading(scores)
            if leading:
                self._vote(norm, found, scores, why=why if explain else None, leading=leading, model=model)
        return scores, why

    def _vote(
        self,
        norm: Normalized,
        found: Sequence[tuple[int, int, int]],
        scores: dict[str, float],
        *,
        why: dict[str, list[tuple[float, str]]] | None,
        leading: list[str],
        model: _Learned,
    ) -> None:
        """Add the nearest confirmed statements' votes for their codes (see the module docstring)."""
        w = self.weights
        grams = self._unexplained(norm, found)
        vector = self._vector(grams, model.idf)
        if not vector:
            return
        sims: dict[int, float] = defaultdict(float)
        for gram, value in vector.items():
            for i, weight in model.postings.get(gram, ()):
                sims[i] += value * weight
        first = leading[0]
        neighbours = sorted(
            (
                (sim, i)
                for i, sim in sims.items()
                if sim >= w.learn_similarity
                and model.primary[i] in leading
                and (model.primary[i] == first or first in model.leading[i])
            ),
            reverse=True,
        )[: w.learn_neighbours]
        if not neighbours:
            return
        unit = w.learned * scores[first]
        for sim, i in neighbours:
            code = model.primary[i]
            scores[code] += unit * sim
            if why is not None:  # the statement's words whose bigrams the neighbour shares
                shared: dict[int, float] = defaultdict(float)
                for gram, value in vector.items():
                    for j, weight in model.postings.get(gram, ()):
                        if j == i:
                            shared[grams[gram][1][0]] += value * weight
                for start, part in shared.items():
                    why[code].append((unit * part, norm.word_surface(norm.word_of[start])))

    @staticmethod
    def _word_at(norm: Normalized, start: int, end: int) -> str:
        """The surface of a span, widened to its whole word when it lies inside one."""
        word = norm.word_of[start]
        if word >= 0 and word == norm.word_of[end - 1]:
            return norm.word_surface(word)
        return norm.surface(start, end)

    def _ranked(self, scores: Mapping[str, float], k: int) -> list[str]:
        order = self._order
        ranked = sorted((code for code in scores if scores[code] > 0), key=lambda c: (-scores[c], order[c]))
        if len(ranked) < k:
            chosen = set(ranked)
            ranked += [c for c in self.codes if c not in chosen][: k - len(ranked)]
        return ranked[:k]

    def rank_codes(self, text: str, k: int = 5) -> list[str]:
        """The `k` best competency codes for `text`, best first (always `k` unless the catalog is smaller)."""
        scores, _ = self._score(normalize(text), explain=False)
        return self._ranked(scores, k)

    def suggest(self, text: str, k: int = 5) -> list[Suggestion]:
        """The `k` best codes with their scores and the statement's words that support each one."""
        norm = normalize(text)
        scores, why = self._score(norm, explain=True)
        suggestions = []
        for code in self._ranked(scores, k):
            evidence: dict[str, float] = {}
            for value, word in why.get(code, ()):
                cleaned = word.strip()
                if cleaned:
                    evidence[cleaned] = evidence.get(cleaned, 0.0) + value
            words = sorted(evidence, key=lambda wd: (-evidence[wd], norm.text.find(wd)))
            suggestions.append(Suggestion(code=code, score=round(scores.get(code, 0.0), 4), evidence=words[:6]))
        return suggestions


# ------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    text: str
    codes: tuple[str, ...]


def read_labelled(path: Path) -> list[Labelled]:
    """Rows of an `id,text_ko,gold_codes` CSV (gold codes separated by ';', the first is primary)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            Labelled(
                id=row["id"],
                text=row["text_ko"],
                codes=tuple(c.strip() for c in row["gold_codes"].split(";") if c.strip()),
            )
            for row in csv.DictReader(fh)
        ]


@dataclass(frozen=True, slots=True)
class Accuracy:
    n: int
    top1: int
    top3: int

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.n if self.n else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.n if self.n else 0.0


def accuracy(rank: Any, rows: Sequence[Labelled]) -> Accuracy:
    """How often the primary (first gold) code is ranked first and in the top 3 by `rank(text, k)`."""
    top1 = top3 = 0
    for row in rows:
        ranked = rank(row.text, 3)
        top1 += bool(ranked) and ranked[0] == row.codes[0]
        top3 += row.codes[0] in ranked[:3]
    return Accuracy(n=len(rows), top1=top1, top3=top3)


def learning_curve(
    mapper: NeedMapper, rows: Sequence[Labelled], *, folds: int = 5, seed: int = 0
) -> tuple[Accuracy, Accuracy]:
    """k-fold: accuracy on each held-back fold without learning and after learning from the other
    folds' confirmed codes, summed over the folds."""
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (reproducible folds, not a secret)
    folds = max(2, min(folds, len(shuffled)))
    before = after = Accuracy(0, 0, 0)
    for fold in range(folds):
        test = shuffled[fold::folds]
        train = [row for i, row in enumerate(shuffled) if i % folds != fold]
        learned = mapper.with_examples([(row.text, row.codes) for row in train])
        b = accuracy(mapper.rank_codes, test)
        a = accuracy(learned.rank_codes, test)
        before = Accuracy(before.n + b.n, before.top1 + b.top1, before.top3 + b.top3)
        after = Accuracy(after.n + a.n, after.top1 + a.top1, after.top3 + a.top3)
    return before, after


def transfer(mapper: NeedMapper, learn_from: Sequence[Labelled], test: Sequence[Labelled]) -> tuple[Accuracy, Accuracy]:
    """Accuracy on `test` without learning and after learning from the confirmed codes of
    `learn_from`: with statements written by other people, this measures whether learning carries
    over to differently worded statements rather than to rewordings of the same one."""
    learned = mapper.with_examples([(row.text, row.codes) for row in learn_from])
    return accuracy(mapper.rank_codes, test), accuracy(learned.rank_codes, test)


class Bm25Baseline:
    """The reference point: plain BM25 over the catalog text, statement and catalog both as Kiwi
    morphemes, no lexicon."""

    def __init__(self, catalog: Sequence[CatalogEntry | Mapping[str, Any]], k1: float = 1.2, b: float = 0.75) -> None:
        entries = [CatalogEntry.coerce(row) for row in catalog]
        self.codes = [e.code for e in entries]
        docs = [catalog_morphemes(" ".join([e.name_ko, e.name_en, e.description, *e.keywords])) for e in entries]
        self.n = len(docs)
        self.avgdl = sum(len(d) for d in docs) / max(1, self.n)
        self.tf: list[dict[str, int]] = [defaultdict(int) for _ in docs]
        self.df: dict[str, int] = defaultdict(int)
        for tf, doc in zip(self.tf, docs, strict=True):
            for term in doc:
                tf[term] += 1
            for term in set(doc):
                self.df[term] += 1
        self.lengths = [len(d) for d in docs]
        self.k1, self.b = k1, b

    def rank_codes(self, text: str, k: int = 5) -> list[str]:
        query = set(catalog_morphemes(text))
        scores = []
        for i, tf in enumerate(self.tf):
            score = 0.0
            for term in query:
                f = tf.get(term, 0)
                if f:
                    idf = math.log(1 + (self.n - self.df[term] + 0.5) / (self.df[term] + 0.5))
                    score += (
                        idf * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avgdl))
                    )
            scores.append((-score, i))
        scores.sort()
        return [self.codes[i] for _, i in scores[:k]]


# ------------------------------------------------------------ the database catalog


def catalog_from_db() -> list[CatalogEntry]:
    from sanhak.competencies.models import Competency

    return [
        CatalogEntry(
            code=c.code,
            name_ko=c.name_ko,
            name_en=c.name_en,
            description=c.description_ko,
            keywords=tuple(c.keyword_list),
        )
        for c in Competency.objects.order_by("code")
    ]


def catalog_version(catalog: Sequence[CatalogEntry]) -> str:
    digest = hashlib.sha256()
    for e in catalog:
        digest.update("\x1f".join([e.code, e.name_ko, e.name_en, e.description, ";".join(e.keywords)]).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def build_mapper(examples: Sequence[tuple[str, Sequence[str]]] = ()) -> NeedMapper:
    """A new mapper over the database catalog, learning from confirmed `(statement, codes)` examples."""
    base = default_mapper()
    return base.with_examples(examples) if examples else base


_cache_lock = threading.Lock()
_cached: tuple[str, NeedMapper] | None = None


def default_mapper() -> NeedMapper:
    """The process-wide mapper over the database catalog; rebuilt when the catalog changes (one
    query per call to check)."""
    global _cached  # noqa: PLW0603
    catalog = catalog_from_db()
    version = catalog_version(catalog)
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _cache_lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, NeedMapper(catalog))
        return _cached[1]


def reset_default_mapper() -> None:
    global _cached  # noqa: PLW0603
    with _cache_lock:
        _cached = None
