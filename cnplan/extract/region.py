"""The region a document speaks for, from mentions of administrative divisions and their weight."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon
from cnplan.segment import words as cut_words

LEVEL_RANK = {"province": 0, "city": 1, "county": 2}
TITLE_ZONE = 150
# Words after a place name that show the text speaks as or to that government.
SELF_INSTITUTIONS = regex.compile(
    r"^(?:人民政府|政府|委|党委|科技局|科学技术局|发改委|统计局|人大|政协|科技工作|经济)"
)
# How a document speaks of its own division: 我市, 全市 …, and the government that delivers it
# (我代表区人民政府向大会报告工作).
SELF_WORDS = {
    suffix: (f"我{suffix}", f"全{suffix}", *extra, *(f"代表{suffix}{body}" for body in bodies))
    for suffix, extra, bodies in (
        ("市", ("本市",), ("人民政府", "政府")),
        ("州", (), ("人民政府", "政府")),
        ("县", (), ("人民政府", "政府")),
        ("区", (), ("人民政府", "政府")),
        ("旗", (), ("人民政府", "政府")),
        ("盟", (), ("行政公署",)),
        ("省", (), ("人民政府", "政府")),
    )
}
SUPERIOR = regex.compile(r"^[^，,。；;]{0,8}?(?:的)?(?:领导下|指导下|关心下|支持下)")
# jieba cuts each run of these characters on its own, so a run's cut is the same alone or in context
_BLOCK = regex.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_BLOCK_BACK = regex.compile(_BLOCK.pattern, regex.REVERSE)
MASKED = regex.compile(r"[*＊某][市区县州]|按照[*＊]|[*＊]实际")


@dataclass(frozen=True)
class Division:
    """An administrative division of the gazetteer."""

    name: str
    short: str
    level: str
    province: str
    city: str
    adcode: str
    year: int
    short_ok: bool = True
    name_ok: bool = True

    @property
    def suffix(self) -> str:
        """The last character of the full name (市, 区, 县, 州, 盟 ...)."""
        return self.name[-1]


@cache
def gazetteer() -> tuple[Division, ...]:
    """Every division of the bundled gazetteer."""
    rows = lexicon.table("gazetteer.csv", ("name", "level", "adcode"))
    return tuple(
        Division(
            r["name"],
            r["short"] or r["name"],
            r["level"],
            r["province"],
            r["city"],
            r["adcode"],
            int(r["year"]),
            r.get("short_ok") != "no",
            r.get("name_ok") != "no",
        )
        for r in rows
    )


@cache
def _names() -> tuple[dict[str, list[Division]], dict[str, tuple[int, ...]], re.Pattern[str], frozenset[str]]:
    """Name -> divisions, name lengths by first character, a pattern of candidate starts, first bigrams."""
    by_name: dict[str, list[Division]] = defaultdict(list)
    for d in gazetteer():
        if d.name_ok:
            by_name[d.name].append(d)
        if len(d.short) >= 2 and d.short != d.name and d.short_ok:
            by_name[d.short].append(d)
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in by_name:
        lengths[name[0]].add(len(name))
    # two character classes (a name's first character, then a possible second) find candidate starts
    # at C speed; the first two characters together then rule out most
    bigrams = frozenset(name[:2] for name in by_name)
    firsts = re.escape("".join(sorted({b[0] for b in bigrams})))
    seconds = re.escape("".join(sorted({b[1] for b in bigrams})))
    first = re.compile(f"[{firsts}](?=[{seconds}])")
    return dict(by_name), {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}, first, bigrams


def _best(divisions: list[Division]) -> Division:
    """Of several divisions sharing a name, the current one at the highest level."""
    return min(divisions, key=lambda d: (LEVEL_RANK[d.level], -d.year, d.adcode))


def _han_block(text: str, i: int) -> tuple[int, int]:
    """The run of Han characters (and letters, digits) around position i, the unit jieba cuts alone."""
    back = _BLOCK_BACK.match(text, 0, i)
    ahead = _BLOCK.match(text, i)
    return (back.start() if back else i), (ahead.end() if ahead else i)


def _word_starts(text: str, i: int, cache: dict[int, frozenset[int]]) -> frozenset[int]:
    """Word-start positions of the block around i (and its end), cut once per block."""
    start, end = _han_block(text, i)
    if start not in cache:
        starts, pos = {end}, start
        for word in cut_words(text[start:end]):
            starts.add(pos)
            pos += len(word)
        cache[start] = frozenset(starts)
    return cache[start]


def mentions(text: str) -> list[tuple[int, str, Division]]:
    """Place-name mentions in a text: (position, name as written, division), longest name first.

    A short form (钟祥 for 钟祥市) counts only where a word starts, so 创新和 is no mention of 新和县.
    """
    by_name, lengths, first, bigrams = _names()
    blocks: dict[int, frozenset[int]] = {}
    out, after = [], 0
    for m in first.finditer(text):
        i = m.start()
        if i < after or text[i : i + 2] not in bigrams:
            continue
        for n in lengths[text[i]]:
            name = text[i : i + n]
            if name not in by_name:
                continue
            division = _best(by_name[name])
            if name != division.name:
                starts = _word_starts(text, i, blocks)
                if i not in starts or i + n not in starts and i + n < len(text):
                    continue
            out.append((i, name, division))
            after = i + n
            break
    return out


def place_at_start(text: str, width: int = 12) -> str:
    """The place name a text opens with, as written (西宁市共组织… -> 西宁市), or ''."""
    if text[:2] not in _names()[3]:  # most texts open with no place: one set lookup
        return ""
    found = mentions(text[:width])
    return found[0][1] if found and found[0][0] == 0 else ""


# 我市 and 本市 speak as the city; 全省 is also said of the province a city ranks in (全省第一).
FIRST_PERSON_WEIGHT = 3


def _self_suffix(text: str) -> str:
    """The division suffix the text uses of itself (我市 -> 市), first-person words counting most."""
    counts = {
        suffix: sum(text.count(w) * (1 if w.startswith("全") else FIRST_PERSON_WEIGHT) for w in words)
        for suffix, words in SELF_WORDS.items()
    }
    suffix, count = max(counts.items(), key=lambda kv: kv[1])
    return suffix if count else ""


def _as_self(name: str, division: Division, self_suffix: str) -> Division:
    """Of the divisions a name may mean (吉林: the province or the city), the kind the text calls itself (我市)."""
    if division.name[-1] == self_suffix:
        return division
    same = [d for d in _names()[0].get(name, ()) if d.name[-1] == self_suffix]
    return _best(same) if same else division


def detect_region(text: str, min_score: float = 3.0) -> str:
    """Full official name of the region a text speaks for, or '' when unclear or masked."""
    division = detect_division(text, min_score)
    return division.name if division else ""


# The gazetteer's levels as researchers name them (GB/T 2260: 省级, 地级, 县级).
LEVEL_NAMES = {"province": "province", "city": "prefecture", "county": "county"}


def region_level(division: Division | None) -> str:
    """province, prefecture or county; '' for no division."""
    return LEVEL_NAMES.get(division.level, division.level) if division else ""


def _contains(outer: Division, inner: Division) -> bool:
    """Whether a division lies inside another (a county in its city or province, a city in its province)."""
    return LEVEL_RANK[outer.level] < LEVEL_RANK[inner.level] and outer.name in (inner.city, inner.province)


def detect_division(text: str, min_score: float = 3.0) -> Division | None:
    """The division (name, GB/T 2260 code, level) a text speaks for, or None when unclear or masked."""
    scores: dict[Division, float] = defaultdict(float)
    self_suffix = _self_suffix(text)
    by_name = _names()[0]
    previous: tuple[int, Division, float] | None = None  # end, division and weight of the last mention
    for pos, name, d in mentions(text):
        if self_suffix and len(by_name[name]) > 1:
            d = _as_self(name, d, self_suffix)
        weight = 2.0 if name == d.name else 1.0
        if pos < TITLE_ZONE:
            weight *= 3
        after = text[pos + len(name) : pos + len(name) + 12]
        if SUPERIOR.search(after):
            continue  # 在荆门市科技局的领导下: a superior, not the speaker
        if SELF_INSTITUTIONS.match(after):
            weight += 2
        if previous and previous[0] == pos and _contains(previous[1], d):
            scores[previous[1]] -= previous[2]  # 杭州市余杭区: the city is the district's address
        scores[d] += weight
        previous = (pos + len(name), d, weight)
    if not scores:
        return None
    for d in scores:
        if self_suffix and (d.suffix == self_suffix or (self_suffix == "区" and d.name.endswith("自治区"))):
            scores[d] *= 1.5
    best = max(scores, key=lambda d: (scores[d], -LEVEL_RANK[d.level]))
    if scores[best] < min_score or (MASKED.search(text) and scores[best] < 2 * min_score):
        return None
    return best
