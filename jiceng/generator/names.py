"""Plausible Chinese personal names: surname by national frequency, given name by sex and era."""

import itertools
import random

# The hundred most common surnames with their approximate bearers in millions (public-security
# household registration, 2020 ranking). Used only as sampling weights.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 101.5), ("李", 100.9), ("张", 95.4), ("刘", 72.1), ("陈", 63.3),
    ("杨", 46.2), ("黄", 33.7), ("赵", 28.6), ("吴", 27.8), ("周", 26.8),
    ("徐", 20.2), ("孙", 19.4), ("马", 19.0), ("朱", 18.1), ("胡", 16.5),
    ("郭", 15.8), ("何", 14.8), ("林", 14.2), ("高", 14.1), ("罗", 14.0),
    ("郑", 12.5), ("梁", 12.0), ("谢", 10.2), ("宋", 9.8), ("唐", 9.6),
    ("许", 9.2), ("韩", 9.0), ("邓", 8.7), ("冯", 8.6), ("曹", 8.4),
    ("彭", 8.0), ("曾", 7.7), ("肖", 7.6), ("田", 7.2), ("董", 7.0),
    ("潘", 6.7), ("袁", 6.6), ("蔡", 6.4), ("蒋", 6.3), ("余", 6.1),
    ("于", 6.0), ("杜", 6.0), ("叶", 5.9), ("程", 5.8), ("魏", 5.7),
    ("苏", 5.6), ("吕", 5.5), ("丁", 5.4), ("任", 5.3), ("卢", 5.2),
    ("姚", 5.1), ("沈", 5.0), ("钟", 4.9), ("姜", 4.8), ("崔", 4.7),
    ("谭", 4.6), ("陆", 4.5), ("范", 4.4), ("汪", 4.3), ("廖", 4.2),
    ("石", 4.1), ("金", 4.0), ("韦", 3.9), ("贾", 3.8), ("夏", 3.7),
    ("付", 3.6), ("方", 3.5), ("邹", 3.4), ("熊", 3.4), ("白", 3.3),
    ("孟", 3.3), ("秦", 3.2), ("邱", 3.2), ("侯", 3.1), ("江", 3.1),
    ("尹", 3.0), ("薛", 3.0), ("闫", 2.9), ("段", 2.9), ("雷", 2.8),
    ("龙", 2.8), ("黎", 2.7), ("史", 2.7), ("陶", 2.6), ("贺", 2.6),
    ("毛", 2.5), ("郝", 2.5), ("顾", 2.4), ("龚", 2.4), ("邵", 2.3),
    ("万", 2.3), ("覃", 2.2), ("武", 2.2), ("钱", 2.1), ("戴", 2.1),
    ("严", 2.0), ("莫", 2.0), ("孔", 1.9), ("向", 1.9), ("常", 1.9),
)  # fmt: skip

# Characters common in given names, by sex and by the era of birth (fashions changed).
_GIVEN_CHARACTERS: dict[tuple[str, str], str] = {
    ("male", "before_1970"): "建国志福贵金保有根全德成才满富喜旺树林占平生文明兴海春秋发",
    ("male", "1970_to_1999"): "伟强军磊涛斌鹏辉刚勇杰峰超波亮明华林海东晓宏俊飞鑫龙江",
    ("male", "since_2000"): "子浩宇轩睿博泽铭然逸航晨阳梓嘉奕昊天一辰皓霖俊凯文锦瑞煜",
    ("female", "before_1970"): "秀英桂兰凤珍玉翠花梅芳淑琴荣莲香素巧爱云月娥霞彩美",
    ("female", "1970_to_1999"): "丽娟敏静艳霞燕玲萍红丹莉娜婷雪慧洁琳颖晶倩芳娇媛佳",
    ("female", "since_2000"): "欣怡梓涵子萱雨诗语佳可馨悦思若一诺彤琪瑶婉依桐雅沐妍",
}
# Share of single-character given names, by era.
_SINGLE_CHARACTER_SHARE = {"before_1970": 0.12, "1970_to_1999": 0.35, "since_2000": 0.2}

_SURNAME_LIST = tuple(surname for surname, _ in SURNAMES)
_SURNAME_CUMULATIVE = tuple(itertools.accumulate(weight for _, weight in SURNAMES))


def era(birth_year: int) -> str:
    if birth_year < 1970:
        return "before_1970"
    if birth_year < 2000:
        return "1970_to_1999"
    return "since_2000"


def random_surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUMULATIVE)[0]


def random_given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    """One or two characters, never the same character twice."""
    born_in = era(birth_year)
    characters = _GIVEN_CHARACTERS[(sex, born_in)]
    first = rng.choice(characters)
    if rng.random() < _SINGLE_CHARACTER_SHARE[born_in]:
        return first
    second = rng.choice(characters)
    while second == first:
        second = rng.choice(characters)
    return first + second


def random_name(rng: random.Random, sex: str, birth_year: int, surname: str | None = None) -> str:
    return (surname or random_surname(rng)) + random_given_name(rng, sex, birth_year)
