"""Time expressions: years, deadlines, plan periods, masked and relative years, Taiwan's 民国 years."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from cnplan import lexicon

ROC_OFFSET = 1911
# Relative year words and their offset from the document's year.
RELATIVE = {
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "年内": 0,
    "全年": 0,
    "本年度": 0,
    "明年": 1,
    "下一年": 1,
    "来年": 1,
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "前年": -2,
}


@dataclass(frozen=True)
class TimeExpr:
    """A time expression in a text: its span, the year it names (None when masked or unresolved)."""

    start: int
    end: int
    text: str
    year: int | None
    period: str = ""
    deadline: bool = False
    relative: int | None = None
    masked: bool = False
    span: bool = False


@cache
def periods() -> dict[str, tuple[int, int]]:
    """Five-year plan periods: name -> (first year, last year)."""
    return {r["period"]: (int(r["start"]), int(r["end"])) for r in lexicon.table("periods.csv", ("period",))}


@cache
def _pattern() -> regex.Pattern[str]:
    """One regex for every kind of time expression, longest alternatives first."""
    names = "|".join(sorted(periods(), key=len, reverse=True))
    relative = "|".join(sorted(RELATIVE, key=len, reverse=True))
    return regex.compile(
        rf"(?P<dl>到|至|截至|截止到|截止|力争到|争取到)?"
        rf"(?:(?P<roc>民国)(?P<rocy>\d{{2,3}}|[一二三四五六七八九十百零〇]+)年"
        rf"|(?P<mask>(?:20|19)[\dxX*＊]{{0,2}}[xX*＊]+)年"
        rf"|(?P<year>(?:19|20)\d\d)(?:年度|年)"
        rf"|[“\"]?(?P<period>{names})[”\"]?(?P<pend>期末|末期|末|时期|期间|期|规划期)"
        rf"|(?P<rel>{relative}))"
        rf"(?P<tail>底|末|年底|前|以前|之前)?(?![\d])"
    )


@cache
def _hint() -> regex.Pattern[str]:
    """What every time expression holds: a digit, 年 (years, 民国), a period name or a relative word."""
    words = sorted([*periods(), *RELATIVE], key=len, reverse=True)
    return regex.compile(r"\d|年|" + "|".join(words))


def roc_year(text: str) -> int | None:
    """Gregorian year of a 民国 year number written in digits or Chinese numerals."""
    from cnplan.extract.numbers import parse_number

    value = parse_number(text)
    return None if value is None else int(value) + ROC_OFFSET


def find_time_exprs(
    text: str, doc_year: int | None = None, taiwan: bool = False, written: int | None = None
) -> list[TimeExpr]:
    """Time expressions in a text, relative ones resolved when the years are known.

    Words of the year itself (今年, 全年, 年内) resolve against doc_year, the year the passage speaks of
    (a heading's year); words that count from the time of writing (去年, 明年, 前年) against written,
    the year the document was written in (doc_year when not given).
    """
    written = doc_year if written is None else written
    out: list[TimeExpr] = []
    if not _hint().search(text):
        return out
    for m in _pattern().finditer(text):
        deadline = bool(m.group("dl") and m.group("dl") not in ("截至", "截止", "截止到")) or m.group(
            "tail"
        ) in ("前", "以前", "之前")
        span = (m.start(), m.end())
        if m.group("roc"):
            out.append(TimeExpr(*span, m.group(), roc_year(m.group("rocy")), deadline=deadline))
        elif m.group("mask"):
            out.append(TimeExpr(*span, m.group(), None, deadline=deadline, masked=True))
        elif m.group("year"):
            year = int(m.group("year"))
            out.append(TimeExpr(*span, m.group(), year, deadline=deadline))
        elif m.group("period"):
            name = m.group("period")
            first, last = periods()[name]
            # 期末/末 name the period's end (a deadline); 期间/时期 name its whole span.
            end = m.group("pend") in ("期末", "末期", "末") or deadline
            out.append(TimeExpr(*span, m.group(), last, period=name, deadline=end, span=not end))
        elif m.group("rel"):
            offset = RELATIVE[m.group("rel")]
            base = doc_year if offset == 0 else written
            year = None if base is None else base + offset
            out.append(TimeExpr(*span, m.group(), year, deadline=deadline, relative=offset))
    if taiwan:
        out.extend(_bare_roc_years(text))
        out.sort(key=lambda t: t.start)
    return out


_BARE_ROC = regex.compile(r"(?<![\d.])(\d{2,3})年(?:度)?")


def _bare_roc_years(text: str) -> list[TimeExpr]:
    """Taiwan texts write 103年 for 2014: bare two- or three-digit years."""
    out = []
    for m in _BARE_ROC.finditer(text):
        value = int(m.group(1))
        if 30 <= value <= 150:
            out.append(TimeExpr(m.start(), m.end(), m.group(), value + ROC_OFFSET))
    return out


# 第十四个五年规划 is the 十四五 plan.
_ORDINAL_PERIOD = regex.compile(r"第([一二三四五六七八九十]{1,3})个五年")


def period_in(text: str) -> str:
    """The first plan period named in a text (十二五, or 第十二个五年 spelled out), or ''."""
    names = "|".join(sorted(periods(), key=len, reverse=True))
    m = regex.search(rf"(?<![一二三四五六七八九十])({names})(?![一二三四五六七八九十])", text)
    spelled = _ORDINAL_PERIOD.search(text)
    if spelled and spelled.group(1) + "五" in periods() and (not m or spelled.start() < m.start()):
        return spelled.group(1) + "五"
    return m.group(1) if m else ""
