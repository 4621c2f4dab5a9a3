"""Build cnplan/compare/fonts/CnplanSansSC-Regular.otf: Noto Sans CJK SC cut down to the characters
charts need (GB2312, every character of the gazetteer and the catalog, ASCII and CJK punctuation).

Run once, with Debian's fonts-noto-cjk installed:
    python tools/subset_cjk_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
Noto Sans CJK is under the SIL Open Font License 1.1 (cnplan/compare/fonts/OFL.txt), which allows
this subset to be bundled; its family is renamed so it is never taken for the full font.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

from cnplan import lexicon

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TARGET = Path(__file__).resolve().parent.parent / "cnplan" / "compare" / "fonts" / "CnplanSansSC-Regular.otf"
FAMILY = "cnplan Sans SC"


def gb2312() -> set[str]:
    """Every character of GB2312 (levels 1 and 2 and its symbols)."""
    out = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([hi, lo]).decode("gb2312"))
    return out


def wanted() -> str:
    """The characters to keep."""
    chars = gb2312() | {chr(c) for c in range(0x20, 0x7F)} | set("％‰℃·—–…“”‘’、。，：；！？（）《》【】〔〕")
    for name in ("gazetteer.csv", "indicators.csv", "units.csv"):
        chars |= set(lexicon.read_text(name))
    return "".join(sorted(c for c in chars if c.isprintable()))


def main(source: str = SOURCE) -> None:
    """Cut the SC face of the collection down and rename its family."""
    font = next(f for f in TTCollection(source).fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=wanted())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(*sys.argv[1:])
