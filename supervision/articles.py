"""The five source documents shipped with the application (``supervision/seeds/``), split into
the articles, measures and tasks that citations such as ``JC-6``, ``SXM-3`` or ``WD-8`` name."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"

DOCUMENTS: dict[str, tuple[str, str]] = {
    "JC": ("000_be3dc22524284e49.txt", "晋城市基层医疗卫生服务促进条例"),
    "XZ": ("001_07334e7b3da7c8b9.txt", "忻州市社区医疗服务促进条例"),
    "SXI": ("002_ccfc160531c08653.txt", "山西省保障和促进县域医疗卫生一体化办法"),
    "SXM": (
        "003_46730551d30757af.txt",
        "山西省进一步深化改革促进乡村医疗卫生体系健康发展的若干措施",
    ),
    "WD": (
        "004_738f98527f9a9f87.txt",
        "威海市文登区关于进一步深化改革推动基层医疗卫生体系健康发展的实施方案",
    ),
}
CITATION = re.compile(r"^(JC|XZ|SXI|SXM|WD)-(\d{1,3})")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_ARTICLE = re.compile(r"(?m)^(?:#+\s*)?第([零〇一二两三四五六七八九十百]+)条")
_MEASURE = re.compile(
    r"([０-９]{1,2})\U001001b0"
)  # SXM numbers its measures "３６．" in a PDF font
_TASK = re.compile(r"(?m)^\s*(\d{1,2})．")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Article:
    code: str
    number: int
    document: str
    text: str

    @property
    def citation(self) -> str:
        return f"{self.code}-{self.number}"


def chinese_number(text: str) -> int:
    """第N条 numbers up to 999 (一, 十二, 二十, 一百零五)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


def _split(text: str, code: str) -> dict[int, str]:
    if code == "SXM":
        starts = []
        expected = 1
        for match in _MEASURE.finditer(text):
            if int(match.group(1).translate(_FULL_WIDTH)) == expected:
                starts.append((expected, match.start()))
                expected += 1
    elif code == "WD":
        starts = [(int(m.group(1)), m.start()) for m in _TASK.finditer(text)]
    else:
        starts = [(chinese_number(m.group(1)), m.start()) for m in _ARTICLE.finditer(text)]
    articles: dict[int, str] = {}
    for index, (number, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        body = text[start:end].replace("\U001001b0", "．").strip()
        body = re.sub(r"^#+\s*", "", body)
        if code == "SXM":  # lines broken mid-sentence in the PDF
            body = re.sub(r"\n\s*\n?", "", body)
        articles.setdefault(number, re.sub(r"\n{3,}", "\n\n", body))
    return articles


@cache
def _document(code: str) -> dict[int, str]:
    filename, _ = DOCUMENTS[code]
    return _split((SEEDS / filename).read_text(encoding="utf-8"), code)


def article(citation: str) -> Article | None:
    """The article a citation names (``JC-6``, ``JC-6(3)`` and ``WD-2.5`` give article 6 or 2)."""
    match = CITATION.match(citation)
    if not match:
        return None
    code, number = match.group(1), int(match.group(2))
    text = _document(code).get(number)
    if text is None:
        return None
    return Article(code, number, DOCUMENTS[code][1], text)


def article_count(code: str) -> int:
    return len(_document(code))
