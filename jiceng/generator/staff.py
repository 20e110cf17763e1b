"""Health workers of a generated county (HR-1): professions, departments and title levels."""

import random
from datetime import date, timedelta

from institutions.models import Institution
from jiceng.dates import years_before
from jiceng.generator.institutions import InstitutionRow
from jiceng.generator.layout import Size
from jiceng.generator.names import random_name
from jiceng.generator.randomness import seeded
from workforce.models import Staff

Type = Institution.Type
Profession = Staff.Profession
Title = Staff.TitleLevel

CARDIOLOGY = "心内科"

_CLINICAL = (
    "内科", "外科", "儿科", "妇产科", CARDIOLOGY, "内分泌科", "神经内科", "呼吸内科", "消化内科",
    "骨科", "急诊科", "重症医学科", "眼科", "耳鼻喉科", "口腔科", "感染科", "中医科", "康复科",
    "麻醉科",
)  # fmt: skip
_TCM_CLINICAL = ("中医内科", "中医外科", "针灸推拿科", "中医妇科", "中医儿科", "康复科", "治未病科")
_MCH_CLINICAL = ("妇科", "产科", "儿科", "儿童保健科", "妇女保健科")
_PRIMARY_CLINICAL = ("全科医疗科", "全科医疗科", "中医科", "妇产科", "儿科")

# Per institution type: profession weights and the departments each profession works in.
_PROFESSIONS: dict[str, tuple[tuple[str, float, tuple[str, ...]], ...]] = {
    Type.COUNTY_HOSPITAL: (
        (Profession.DOCTOR, 34, _CLINICAL),
        (Profession.NURSE, 44, (*_CLINICAL, "护理部")),
        (Profession.TECHNICIAN, 10, ("影像科", "检验科", "病理科", "超声科")),
        (Profession.PHARMACIST, 5, ("药剂科",)),
        (Profession.PUBLIC_HEALTH, 3, ("预防保健科", "感染管理科")),
        (Profession.MANAGER, 4, ("医务科", "院办", "信息科")),
    ),
    Type.COUNTY_TCM_HOSPITAL: (
        (Profession.DOCTOR, 36, _TCM_CLINICAL),
        (Profession.NURSE, 40, (*_TCM_CLINICAL, "护理部")),
        (Profession.TECHNICIAN, 10, ("影像科", "检验科")),
        (Profession.PHARMACIST, 10, ("中药房", "西药房")),
        (Profession.MANAGER, 4, ("医务科", "院办")),
    ),
    Type.COUNTY_MCH: (
        (Profession.DOCTOR, 36, _MCH_CLINICAL),
        (Profession.NURSE, 36, (*_MCH_CLINICAL, "护理部")),
        (Profession.TECHNICIAN, 12, ("超声科", "检验科")),
        (Profession.PUBLIC_HEALTH, 10, ("妇女保健科", "儿童保健科")),
        (Profession.MANAGER, 6, ("办公室",)),
    ),
    Type.COUNTY_CDC: (
        (
            Profession.PUBLIC_HEALTH,
            60,
            ("传染病防制科", "慢性病防制科", "免疫规划科", "地方病防制科"),
        ),
        (Profession.TECHNICIAN, 25, ("检验科", "卫生监测科")),
        (Profession.DOCTOR, 5, ("结核病防治门诊",)),
        (Profession.MANAGER, 10, ("办公室",)),
    ),
    Type.THC: (
        (Profession.DOCTOR, 25, _PRIMARY_CLINICAL),
        (Profession.ASSISTANT_DOCTOR, 8, _PRIMARY_CLINICAL),
        (Profession.RURAL_GP_ASSISTANT, 4, ("全科医疗科",)),
        (Profession.NURSE, 30, ("护理", "预防接种门诊")),
        (Profession.PUBLIC_HEALTH, 13, ("公共卫生科",)),
        (Profession.PHARMACIST, 7, ("药房",)),
        (Profession.TECHNICIAN, 8, ("检验科", "放射科")),
        (Profession.MANAGER, 5, ("院办",)),
    ),
    Type.CHSS: (
        (Profession.DOCTOR, 45, ("全科医疗科",)),
        (Profession.NURSE, 40, ("护理",)),
        (Profession.PUBLIC_HEALTH, 15, ("公共卫生科",)),
    ),
}
_PROFESSIONS[Type.CHSC] = _PROFESSIONS[Type.THC]

# Posts filled first, so every institution has them whatever the draw: a doctor in each clinical
# department of the county hospital (three in cardiology), and the JC-21 TCM doctor of a centre.
_FIRST_POSTS: dict[str, tuple[tuple[str, str], ...]] = {
    Type.COUNTY_HOSPITAL: (
        *((Profession.DOCTOR, department) for department in _CLINICAL),
        (Profession.DOCTOR, CARDIOLOGY),
        (Profession.DOCTOR, CARDIOLOGY),
    ),
    Type.THC: (
        (Profession.DOCTOR, "全科医疗科"),
        (Profession.DOCTOR, "中医科"),
        (Profession.PUBLIC_HEALTH, "公共卫生科"),
    ),
    Type.CHSS: ((Profession.DOCTOR, "全科医疗科"),),
}
_FIRST_POSTS[Type.CHSC] = _FIRST_POSTS[Type.THC]

_HEADCOUNT: dict[Size, dict[str, tuple[int, int]]] = {
    Size.COUNTY: {
        Type.COUNTY_HOSPITAL: (200, 200),
        Type.COUNTY_TCM_HOSPITAL: (80, 80),
        Type.COUNTY_MCH: (50, 50),
        Type.COUNTY_CDC: (40, 40),
        Type.THC: (20, 40),
        Type.CHSC: (20, 40),
        Type.CHSS: (3, 6),
        Type.VILLAGE_CLINIC: (1, 2),
    },
    Size.SMALL: {
        Type.COUNTY_HOSPITAL: (40, 40),
        Type.COUNTY_TCM_HOSPITAL: (16, 16),
        Type.COUNTY_MCH: (10, 10),
        Type.COUNTY_CDC: (8, 8),
        Type.THC: (8, 12),
        Type.CHSC: (8, 12),
        Type.CHSS: (2, 3),
        Type.VILLAGE_CLINIC: (1, 2),
    },
}
_COUNTY_LEVEL = {Type.COUNTY_HOSPITAL, Type.COUNTY_TCM_HOSPITAL, Type.COUNTY_MCH, Type.COUNTY_CDC}
_MOSTLY_WOMEN = {Profession.NURSE}


def _title(rng: random.Random, age: int, profession: str, *, county_level: bool) -> str:
    if profession == Profession.VILLAGE_DOCTOR or (
        profession == Profession.MANAGER and rng.random() < 0.5
    ):
        return Title.NONE
    if age < 27:
        return rng.choice((Title.NONE, Title.JUNIOR, Title.JUNIOR))
    if age < 35:
        return rng.choice((Title.JUNIOR, Title.JUNIOR, Title.INTERMEDIATE))
    if age < 45:
        weights = (20, 55, 25, 0) if county_level else (30, 60, 10, 0)
    else:
        weights = (0, 35, 45, 20) if county_level else (5, 55, 35, 5)
    titles = (Title.JUNIOR, Title.INTERMEDIATE, Title.ASSOCIATE_SENIOR, Title.SENIOR)
    return rng.choices(titles, weights=weights)[0]


def _clinic_posts(rng: random.Random, count: int) -> list[tuple[str, str]]:
    first = rng.choices(
        (Profession.VILLAGE_DOCTOR, Profession.ASSISTANT_DOCTOR, Profession.RURAL_GP_ASSISTANT),
        weights=(85, 10, 5),
    )[0]
    posts: list[tuple[str, str]] = [(first, "")]
    if count > 1:
        second = rng.choices(
            (Profession.VILLAGE_DOCTOR, Profession.ASSISTANT_DOCTOR, Profession.NURSE),
            weights=(70, 20, 10),
        )[0]
        posts.append((second, ""))
    return posts


def _posts(rng: random.Random, type_: str, count: int) -> list[tuple[str, str]]:
    if type_ == Type.VILLAGE_CLINIC:
        return _clinic_posts(rng, count)
    posts = list(_FIRST_POSTS.get(type_, ()))[:count]
    table = _PROFESSIONS[type_]
    while len(posts) < count:
        profession, _, departments = rng.choices(table, weights=[row[1] for row in table])[0]
        posts.append((profession, rng.choice(departments)))
    return posts


def _birth_date(rng: random.Random, as_of: date, age: int) -> date:
    latest = years_before(as_of, age)
    return latest - timedelta(days=rng.randrange(365))


def plan_staff(
    institutions: list[InstitutionRow], size: Size, seed: int, as_of: date
) -> list[Staff]:
    """Unsaved staff with ids 1, 2, … in institution order."""
    rng = seeded(seed, "staff")
    staff: list[Staff] = []
    for institution in institutions:
        low, high = _HEADCOUNT[size][institution.type]
        county_level = institution.type in _COUNTY_LEVEL
        for profession, department in _posts(rng, institution.type, rng.randint(low, high)):
            if profession in (Profession.VILLAGE_DOCTOR, Profession.RURAL_GP_ASSISTANT):
                age = rng.randint(28, 68)
            else:
                age = rng.randint(24, 59)
            women = 0.95 if profession in _MOSTLY_WOMEN else 0.3 if age > 50 else 0.5
            sex = Staff.Sex.FEMALE if rng.random() < women else Staff.Sex.MALE
            birth_date = _birth_date(rng, as_of, age)
            staff.append(
                Staff(
                    id=len(staff) + 1,
                    name=random_name(rng, sex, birth_date.year),
                    sex=sex,
                    birth_date=birth_date,
                    profession=profession,
                    title_level=_title(rng, age, profession, county_level=county_level),
                    department=department,
                    institution_id=institution.id,
                )
            )
    return staff
