"""The indicator: the phrase naming what a quantity measures, cut at word boundaries."""

from __future__ import annotations

import re
from functools import cache

import regex

from cnplan import lexicon
from cnplan.extract.quantities import Quantity
from cnplan.extract.region import place_at_start
from cnplan.extract.timing import TimeExpr
from cnplan.extract.units import units
from cnplan.marks import first_of, last_of
from cnplan.segment import segment
from cnplan.segment import words as cut_words

BEFORE_BOUNDARY = "，,；;。！？!?：:、\n"
AFTER_BOUNDARY = "，,；;。！？!?：:\n"
# A quantity followed by one of these does not precede its noun (8个左右, 5项以上, 3家和...).
AFTER_BLOCK = set("以左上下等为和及与或、")
MAX_LEN = 32
QUOTES = '“”"‘’《》「」『』'
OPEN_QUOTE_CHARS = "“‘「『"
LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)"
    r"|其一|其二|首先|其次|再次|最后)+"
)
# A phrase before a figure this short is a verb or a stub; a noun after 的 then names the figure.
SHORT_BEFORE = 4
CHANGE_WORDS = "增长|下降|提高|降低|增加|减少|上升|回落|提升|下滑|增幅|降幅|增产|减产|增收|减收"
CHANGE = regex.compile(rf"^(?:同比|比上年|较上年|比年初|较年初|比上年末|年均|分别|平均)?(?:{CHANGE_WORDS})")
# 比上年增长 with its year taken out as the time leaves 比增长: the comparison word alone says nothing.
_BARE_COMPARISON = regex.compile(rf"^(?:按可比价格?计算)?(?:比|较|与)(?={CHANGE_WORDS})")
QUALIFIER = regex.compile(r"^(.{2,}?)((?:国家|省|自治区|市|县|区|州|盟|旗|地|乡镇|部)级(?:以上|及以上)?)$")
LEVEL_ONLY = regex.compile(
    r"^(?:国家|省|自治区|市|县|区|州|盟|旗|地|乡镇|部)?级(?:以上|及以上)?$|^(?:国家|省|市|县)$"
)
NUMBER_LIKE = regex.compile(r"[\d.]+")
_QUOTED = regex.compile(r"“[^”]*”")
_AREA_WORD = regex.compile(r"^(?:地区|全市|全区|全县)")
_HAN = regex.compile(r"\p{Han}")


@cache
def _fillers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words trimmed at the front and at the end of a phrase, longest first."""
    front, end = [], []
    for row in lexicon.table("fillers.csv", ("word", "role", "where")):
        if row["where"] in ("front", "both"):
            front.append(row["word"])
        if row["where"] in ("end", "both"):
            end.append(row["word"])
    return tuple(sorted(front, key=len, reverse=True)), tuple(sorted(end, key=len, reverse=True))


@cache
def _after_stops() -> frozenset[str]:
    """Words that end the noun phrase after a quantity."""
    return frozenset(lexicon.words("after_stops.txt"))


@cache
def _after_leads() -> regex.Pattern[str]:
    """Verbs that open the phrase after a quantity before its noun (12家被认定为高新技术企业)."""
    leads = sorted(lexicon.words("after_leads.txt"), key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in leads))


@cache
def _filler_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One longest-first pattern for the front fillers (at the start) and one for the end fillers."""
    front, end = _fillers()
    return (
        re.compile("^(?:" + "|".join(map(re.escape, front)) + ")"),
        re.compile("(?:" + "|".join(map(re.escape, end)) + r")\Z"),
    )


_QUOTE_CHARS = re.compile(f"[{QUOTES}]")


@cache
def _inner_cue() -> regex.Pattern[str]:
    """Cues that word a change inside a name (X力争增长, X确保增长): fillers.csv rows with inner=yes."""
    cues = sorted(
        (
            r["word"]
            for r in lexicon.table("fillers.csv", ("word", "role", "where"))
            if r.get("inner") == "yes"
        ),
        key=len,
        reverse=True,
    )
    alt = "|".join(map(regex.escape, cues)) or "(?!)"
    return regex.compile(rf"(?<=\p{{Han}})(?:{alt})(?=(?:同比|比上年|较上年)?(?:{CHANGE_WORDS}))")


def drop_inner_cue(phrase: str) -> str:
    """A name without the cue that words its change: 社会消费品零售总额力争增长 -> 社会消费品零售总额增长."""
    return _inner_cue().sub("", phrase) if len(phrase) > 3 else phrase


def trim(phrase: str) -> str:
    """Strip list markers, quotes, fillers, cues and verbs of achievement from a phrase's edges."""
    front, end = _filler_patterns()
    phrase = _QUOTE_CHARS.sub("", phrase).strip()
    previous = None
    while phrase != previous:
        previous = phrase
        phrase = LIST_MARKER.sub("", phrase).strip()
        phrase = front.sub("", phrase, count=1)
        phrase = end.sub("", phrase, count=1)
        phrase = phrase.strip(" ()（）-—")
    return phrase


def _cut_long(phrase: str) -> str:
    """Keep the last words of an over-long phrase, cut at word boundaries."""
    if len(phrase) <= MAX_LEN:
        return phrase
    words = cut_words(phrase)
    kept: list[str] = []
    for word in reversed(words):
        if kept and len(word) + sum(map(len, kept)) > MAX_LEN:
            break
        if word in ("，", ","):
            break
        kept.insert(0, word)
    return "".join(kept)


def _drop_spans(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """Remove absolute spans (time expressions) from a text that starts at offset."""
    out, last = [], 0
    for s, e in sorted(spans):
        s, e = max(s - offset, 0), min(e - offset, len(text))
        if s >= e or s < last:
            continue
        out.append(text[last:s])
        last = e
    out.append(text[last:])
    return "".join(out)


@cache
def _attributes() -> tuple[str, ...]:
    """Attribute nouns that need the entity named before them."""
    return lexicon.words("attributes.txt")


SCOPE_WORDS = frozenset({"共", "共计", "合计", "累计", "总计"})
_SCOPE_CHARS = "".join(sorted(set("".join(SCOPE_WORDS))))
CLAUSE_BREAK = "，,；;。！？!?：:"


def _after_scope_word(raw: str) -> str:
    """The part of a phrase after its last scope word (经财政部门审核共返还财政奖励 -> 返还财政奖励)."""
    if first_of(_SCOPE_CHARS, raw) < 0:  # no scope word can be there: spare the segmenter
        return raw
    cut = -1
    for tok in segment(raw):
        if tok.text in SCOPE_WORDS and len(raw) - tok.end >= 2:
            cut = tok.end
    return raw[cut:] if cut >= 0 else raw


def clause_subject(sentence: str, start: int) -> str:
    """The subject at the head of the clause holding a position: the words before its first verb."""
    begin = last_of(CLAUSE_BREAK, sentence, 0, start) + 1
    clause = _QUOTED.sub("", sentence[begin:start])
    _, end = _fillers()
    cut = len(clause)
    for word in end:
        i = clause.find(word)
        if 0 < i < cut:
            cut = i
    return trim(clause[:cut].split("、")[0])


def _previous_clause_subject(sentence: str, start: int) -> str:
    """The subject of the clause before the one holding a position (居民人均可支配收入保持全国领先，超过7.2万元)."""
    begin = last_of(CLAUSE_BREAK, sentence, 0, start)
    return clause_subject(sentence, begin) if begin > 0 else ""


def _drop_place(phrase: str) -> str:
    """Drop a leading place name that only says where (西宁市共组织实施… -> 共组织实施…)."""
    place = place_at_start(phrase)
    if place:
        rest = phrase[len(place) :]
        rest = _AREA_WORD.sub("", rest)
        if len(rest) >= 2:
            return rest
    return phrase


def before_phrase(sentence: str, q: Quantity, floor: int, times: list[TimeExpr]) -> str:
    """The phrase between the last clause break (or previous quantity) and the quantity."""
    boundary = last_of(BEFORE_BOUNDARY, sentence, floor, q.start)
    start = boundary + 1 if boundary >= 0 else floor
    raw = sentence[start : q.start]
    raw = _drop_spans(raw, start, [(t.start, t.end) for t in times])
    if q.cue and raw.endswith(q.cue):
        raw = raw[: -len(q.cue)]
    return trim(_drop_place(trim(_after_scope_word(raw))))


def _until_stop(chunk: str) -> str:
    """The words of a chunk up to the first word that ends a noun phrase."""
    words: list[str] = []
    for word in cut_words(chunk):
        if word in _after_stops():
            break
        words.append(word)
    return "".join(words)


def after_phrase(sentence: str, q: Quantity, tail: int) -> str:
    """The noun phrase right after a quantity that precedes its noun (实施2项重点技术项目)."""
    if tail >= len(sentence) or sentence[tail] in AFTER_BLOCK:
        return ""
    if not _HAN.match(sentence, tail + (sentence[tail] in OPEN_QUOTE_CHARS)):  # 56项“免申即享”政策
        return ""
    end = len(sentence)
    for i in range(tail, len(sentence)):
        if sentence[i] in AFTER_BOUNDARY or sentence[i].isdigit():
            end = i
            break
    chunk = sentence[tail:end]
    lead = _after_leads().search(chunk)
    if lead and lead.start() <= 6:
        chunk = chunk[lead.end() :]
    phrase = _until_stop(chunk)
    if "的" in chunk:
        head, _, rest = chunk.rpartition("的")
        noun = _until_stop(rest)
        if len(noun) >= 2 and noun not in _light_nouns():
            phrase = noun
        elif "的" in phrase:
            phrase = _until_stop(head).rsplit("的", 1)[-1]
    phrase = trim(phrase)
    return phrase if len(phrase) >= 2 else ""


@cache
def _light_nouns() -> frozenset[str]:
    """Nouns too light to name an indicator after 的."""
    return frozenset(lexicon.words("light_nouns.txt"))


_LEVEL_PREFIX = regex.compile(r"^(?:国家|省|自治区|市|县|区|州|盟|旗)?级(?:以上|及以上)?")
_CHANGE_SUFFIX = regex.compile(rf"(?:同比|年均|比上年|较上年|比年初|较年初)?(?:{CHANGE_WORDS})$")
_NEW_PREFIX = regex.compile(r"^(?:新增|新认定|新建|认定|培育|新培育)")


def head_noun(indicator: str) -> str:
    """An indicator without its leading level qualifier (市级科技项目 -> 科技项目)."""
    m = _LEVEL_PREFIX.match(indicator)
    return indicator[m.end() :] if m and m.end() < len(indicator) else indicator


def subject_of(indicator: str) -> str:
    """An indicator without a trailing change word: 地区生产总值增长 -> 地区生产总值."""
    return _CHANGE_SUFFIX.sub("", indicator)


def entity_of(indicator: str) -> str:
    """The entity an indicator counts, without change words and leading 新增/新认定 (新增X -> X)."""
    return _NEW_PREFIX.sub("", subject_of(indicator))


@cache
def _event_verbs() -> tuple[str, ...]:
    """Verbs that say which events are counted, longest first."""
    return tuple(sorted(lexicon.words("event_verbs.txt"), key=len, reverse=True))


@cache
def _bare_predicates() -> frozenset[str]:
    """Names that say what was done but not to what (完成投资)."""
    return frozenset(lexicon.words("bare_predicates.txt"))


def event_verb_before(sentence: str, q: Quantity, floor: int) -> str:
    """The event verb standing right before a quantity (新建5000亩棚室 -> 新建), or ''."""
    window = sentence[max(floor, q.start - 6) : q.start]
    if q.cue and window.endswith(q.cue):
        window = window[: -len(q.cue)]
    verbs = _event_verbs()
    if not window.endswith(verbs):  # one C-level test: most counts have no event verb before them
        return ""
    return next(v for v in verbs if window.endswith(v))


def _subject_for(sentence: str, q: Quantity, tail: int, previous: str, phrase: str) -> str:
    """Whom a bare predicate (完成投资) speaks of: 投资11亿元的X names X; else the previous figure's entity."""
    if sentence.startswith("的", tail):
        return after_phrase(sentence, q, tail + 1)
    entity = entity_of(previous)
    return "" if not entity or entity.endswith(phrase) else entity


def name(sentence: str, q: Quantity, floor: int, times: list[TimeExpr], previous: str) -> str:
    """The indicator of a quantity, given the indicator of the previous quantity of its sentence."""
    tail = q.end + (len(q.cue) if q.cue and sentence.startswith(q.cue, q.end) else 0)
    before = before_phrase(sentence, q, floor, times)
    after = after_phrase(sentence, q, tail) if _precedes_noun(q) else ""
    if after and sentence.startswith("的", tail) and len(before) >= 2:
        after = ""  # 优先企业20家的梯度培育格局: the noun came first
    if after:
        verb = event_verb_before(sentence, q, floor)
        if verb and not after.startswith(verb):
            after = verb + after
    if (
        not after
        and sentence.startswith("的", tail)
        and len(before) <= SHORT_BEFORE
        and before not in _bare_predicates()  # 总投资94亿元的X: X's investment, below
    ):
        after = after_phrase(sentence, q, tail + 1)  # 涉及600亿元的新政策: what the amount is of
    phrase = after or before
    if not after and phrase[:1] in "比较与按" and _BARE_COMPARISON.match(phrase):
        phrase = _BARE_COMPARISON.sub("", phrase)
    if not after:
        if phrase in _bare_predicates():
            subject = _subject_for(sentence, q, tail, previous, phrase)
            if subject:
                phrase = subject + phrase
        elif not phrase or NUMBER_LIKE.fullmatch(phrase):
            phrase = (
                previous or clause_subject(sentence, q.start) or _previous_clause_subject(sentence, q.start)
            )
        elif CHANGE.match(phrase) and len(phrase) <= 6 and previous:
            phrase = subject_of(previous) + phrase
        elif (phrase.startswith("占") or phrase in _attributes()) and previous:
            phrase = entity_of(previous) + phrase
        elif LEVEL_ONLY.match(phrase) and previous:
            phrase = phrase + head_noun(previous)
        else:
            m = QUALIFIER.match(phrase)
            if m:
                phrase = m.group(2) + m.group(1)
    return _cut_long(drop_inner_cue(phrase))


def _precedes_noun(q: Quantity) -> bool:
    """True for measure words, which may stand before their noun (2项重点技术项目)."""
    bare = q.unit_base.split("/")[0]
    info = units().get(bare)
    return info is not None and info.category in ("count", "people")


LIST_SEP = regex.compile(r"^[、和及与,，]*$")
ITEM_SEP = regex.compile(r"[、和及与]")


def _run_after(sentence: str, quantities: list[Quantity], pos: int) -> list[int]:
    """Indices of the quantities listed one after another right after a position (5.1%、6.9%)."""
    run: list[int] = []
    for i, q in enumerate(quantities):
        if q.start < pos:
            continue
        if run:
            prev = quantities[run[-1]]
            gap = sentence[prev.end : q.start]
            if prev.cue and gap.startswith(prev.cue):
                gap = gap[len(prev.cue) :]
            if not LIST_SEP.match(gap):
                break
        run.append(i)
    return run


def distribute(
    sentence: str, quantities: list[Quantity], names: list[str], times: list[TimeExpr]
) -> list[str]:
    """Give each quantity of an 分别 list its own item: 城镇、农村居民人均可支配收入分别增长5.1%、6.9%."""
    names = list(names)
    for m in regex.finditer("分别", sentence):
        run = _run_after(sentence, quantities, m.end())
        if len(run) < 2:
            continue
        begin = last_of(CLAUSE_BREAK, sentence, 0, m.start()) + 1
        subject = _drop_spans(sentence[begin : m.start()], begin, [(t.start, t.end) for t in times])
        items = [trim(x) for x in ITEM_SEP.split(subject) if trim(x)]
        if len(items) != len(run):
            continue
        verb = trim(sentence[m.end() : quantities[run[0]].start])
        last = items[-1]
        for k, i in zip(run, items):
            item = i + last[len(i) :] if len(i) <= 2 and len(last) > len(i) else i
            names[k] = item + verb
    return names
