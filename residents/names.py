"""Chinese names in pinyin, for search and matching (PH-1, IT-1): ``王秀英`` → ``wangxiuying``
and initials ``wxy``. Pure functions over pypinyin; cached, since names repeat a great deal."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Characters read differently as a surname than in ordinary words (单 shàn, 曾 zēng, …).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "覃": "qin", "缪": "miao", "乐": "yue", "尉": "yu", "种": "chong", "秘": "bi",
    "繁": "po", "黑": "he", "员": "yun", "召": "shao", "翟": "zhai", "卜": "bu", "长": "chang",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin without tones or spaces, initials), lower case; non-Chinese kept as is."""
    name = name.strip()
    syllables = [s.lower().replace(" ", "") for s in lazy_pinyin(name, style=Style.NORMAL)]
    if name and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)
