"""Resident roster import (PH-1, IT-1): rosters from several systems, one person one record.

Each row is validated (row, column, reason for every refusal; a refused row imports nothing).
A citizen ID that fails its checks does not refuse the row: the record is kept and flagged with
the reasons (never silently). A row that is, or may be, someone already on record does not make a
second record: it waits in the review queue (``IncomingRecord`` + ``MatchCandidate``) with the
evidence. Importing the same file again changes nothing: identical people are recognised and a
queued row is recognised by its fingerprint.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts import audit, scope
from accounts.models import User
from divisions.models import Division
from jiceng.spreadsheets import (
    Column,
    ImportReport,
    Rejection,
    choice_spellings,
    match_headers,
    normal,
    parse_date,
    read_table,
)
from residents import matching
from residents.models import (
    Household,
    IdStatus,
    IncomingRecord,
    Insurance,
    MatchCandidate,
    ResidenceStatus,
    Resident,
)
from residents.rules import disagreements, parse_citizen_id

PURPOSE = "resident roster import"
SEX_WORDS = {"男": "male", "女": "female", "m": "male", "f": "female", "1": "male", "2": "female"}
RELATION_WORDS = {
    "户主": "head", "本人": "head", "配偶": "spouse", "妻": "spouse", "夫": "spouse",
    "子": "child", "女": "child", "子女": "child", "父母": "parent", "父": "parent",
    "母": "parent", "孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild",
    "兄弟姐妹": "sibling", "其他": "other",
}  # fmt: skip
RESIDENCE_WORDS = {"户籍": "permanent", "常住": "permanent", "流动": "migrant", "暂住": "temporary"}
PHONE_DIGITS = (7, 8, 11, 12)
COMPARED = ("name", "sex", "birth_date", "citizen_id", "phone", "village_id")


COLUMNS = (
    Column("name", pgettext_lazy("roster column", "Name"), ("姓名",), required=True),
    Column("sex", pgettext_lazy("roster column", "Sex"), ("性别",), required=True),
    Column("birth_date", pgettext_lazy("roster column", "Birth date"), ("出生日期", "出生年月日")),
    Column(
        "citizen_id",
        pgettext_lazy("roster column", "Citizen ID number"),
        ("身份证号", "身份证号码", "公民身份号码"),
    ),
    Column(
        "phone", pgettext_lazy("roster column", "Phone"), ("电话", "联系电话", "手机", "手机号")
    ),
    Column(
        "village_code",
        pgettext_lazy("roster column", "Village code"),
        ("村（居）代码", "村居代码", "行政区划代码"),
        required=True,
    ),
    Column(
        "household_number", pgettext_lazy("roster column", "Household number"), ("户号", "户编号")
    ),
    Column(
        "relation", pgettext_lazy("roster column", "Relation to head of household"), ("与户主关系",)
    ),
    Column(
        "residence_status",
        pgettext_lazy("roster column", "Residence status"),
        ("常住类型", "居住状态"),
    ),
    Column(
        "insurance_type",
        pgettext_lazy("roster column", "Medical insurance"),
        ("医保类型", "医疗保险类型"),
    ),
    Column("source", pgettext_lazy("roster column", "Source"), ("来源",)),
)


@dataclass
class RosterReport(ImportReport):
    queued: int = 0
    flagged: int = 0
    created_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "unchanged": self.unchanged,
            "queued": self.queued,
            "flagged": self.flagged,
            "rejected_rows": self.rejected_rows,
            "rejections": [vars(r) for r in self.rejections],
        }


@dataclass
class _Row:
    number: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class _Validator:
    def __init__(self, villages: Mapping[str, Division], today: date) -> None:
        self.villages = villages
        self.today = today
        self.relations = choice_spellings(Resident.Relation.choices, RELATION_WORDS)
        self.residence = choice_spellings(ResidenceStatus.choices, RESIDENCE_WORDS)
        self.insurance = choice_spellings(Insurance.choices)

    def row(self, number: int, cells: Mapping[str, str], report: RosterReport) -> _Row | None:
        row = _Row(number, dict(cells))
        bad: list[tuple[str, str, str]] = []

        def refuse(key: str, reason: str) -> None:
            bad.append((key, cells.get(key, ""), reason))

        name = cells.get("name", "").strip()
        if not name:
            refuse("name", _("a name is required"))
        elif len(name) > 50:
            refuse("name", _("longer than 50 characters"))
        sex = SEX_WORDS.get(normal(cells.get("sex", "")), normal(cells.get("sex", "")))
        if sex not in ("male", "female"):
            refuse("sex", _("use 男 or 女 (male or female)"))
        village = self.villages.get(cells.get("village_code", "").strip().ljust(12, "0"))
        if village is None:
            refuse("village_code", _("not a village or community you may import into"))
        birth_text = cells.get("birth_date", "").strip()
        born = parse_date(birth_text) if birth_text else None
        if birth_text and born is None:
            refuse("birth_date", _("not a date (use YYYY-MM-DD)"))
        elif born is not None and not date(1880, 1, 1) <= born <= self.today:
            refuse("birth_date", _("not a plausible birth date"))
        phone = cells.get("phone", "").replace("-", "").replace(" ", "")
        if phone and (not phone.isdigit() or len(phone) not in PHONE_DIGITS):
            refuse("phone", _("a phone number has 11 digits (mobile) or 7–12 with area code"))
        for key, spellings in (
            ("relation", self.relations),
            ("residence_status", self.residence),
            ("insurance_type", self.insurance),
        ):
            text = cells.get(key, "").strip()
            if text and normal(text) not in spellings:
                refuse(key, _("not one of the accepted values"))
            row.values[key] = spellings.get(normal(text), "")
        identity = self._identity(cells.get("citizen_id", ""), born, sex)
        if born is None and identity["birth_date"] is None and not bad:
            refuse("birth_date", _("a birth date is required when the ID number gives none"))
        for key, value, reason in bad:
            report.rejections.append(Rejection(number, _label(key), value, reason))
        if bad:
            return None
        assert village is not None
        row.values.update(
            name=name,
            sex=sex,
            birth_date=born or identity["birth_date"],
            phone=phone,
            village_id=village.pk,
            household_number=cells.get("household_number", "").strip(),
            source=cells.get("source", "").strip()[:100],
            citizen_id=identity["citizen_id"],
            id_status=identity["status"],
            id_problems=identity["problems"],
        )
        row.values["relation"] = row.values["relation"] or Resident.Relation.HEAD
        row.values["residence_status"] = row.values["residence_status"] or ResidenceStatus.PERMANENT
        return row

    def _identity(self, text: str, born: date | None, sex: str) -> dict[str, Any]:
        text = text.strip().upper()
        if not text:
            return {
                "citizen_id": "",
                "status": IdStatus.MISSING,
                "problems": [],
                "birth_date": None,
            }
        parsed = parse_citizen_id(text, today=self.today)
        if not parsed.valid:
            return {
                "citizen_id": text[:18],
                "status": IdStatus.FLAGGED,
                "problems": parsed.errors,
                "birth_date": None,
            }
        problems = disagreements(parsed, birth_date=born, sex=sex)
        status = IdStatus.UPGRADED if len(text) == 15 else IdStatus.VALID
        return {
            "citizen_id": parsed.id18,
            "status": IdStatus.FLAGGED if problems else status,
            "problems": problems,
            "birth_date": parsed.birth_date,
        }


def _label(key: str) -> str:
    return next(str(c.label) for c in COLUMNS if c.key == key)


def _fingerprint(values: Mapping[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _match_record(key: str, values: Mapping[str, Any], village_code: str) -> matching.MatchRecord:
    return matching.MatchRecord(
        key=key,
        name=values["name"],
        sex=values["sex"],
        birth_date=values["birth_date"],
        citizen_id=values["citizen_id"] if values.get("id_status") != IdStatus.FLAGGED else "",
        phone=values["phone"],
        village_code=village_code,
    )


def _resident_record(resident: Resident) -> matching.MatchRecord:
    return matching.MatchRecord(
        key=str(resident.pk),
        name=resident.name,
        sex=resident.sex,
        birth_date=resident.birth_date,
        citizen_id=resident.citizen_id if resident.id_status != IdStatus.FLAGGED else "",
        phone=resident.phone,
        village_code=resident.village.code,
    )


def _same_person(resident: Resident, values: Mapping[str, Any]) -> bool:
    return all(getattr(resident, key) == values[key] for key in COMPARED)


def resident_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The Resident fields of a validated row (household resolved separately)."""
    return {
        "name": values["name"],
        "sex": values["sex"],
        "birth_date": values["birth_date"]
        if isinstance(values["birth_date"], date)
        else date.fromisoformat(values["birth_date"]),
        "citizen_id": values["citizen_id"],
        "id_status": values["id_status"],
        "id_problems": values["id_problems"],
        "phone": values["phone"],
        "village_id": values["village_id"],
        "relation_to_head": values["relation"],
        "residence_status": values["residence_status"],
        "insurance_type": values["insurance_type"],
        "source": values["source"],
    }


def household_for(values: Mapping[str, Any]) -> Household | None:
    number = values.get("household_number") or ""
    if not number:
        return None
    household, _created = Household.objects.get_or_create(
        number=number, defaults={"village_id": values["village_id"]}
    )
    return household


def import_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    *,
    user: User,
    request: HttpRequest | None,
    source: str,
) -> RosterReport:
    """Validate every row, then create, recognise or queue the good ones in one transaction."""
    report = RosterReport()
    villages = {v.code: v for v in scope.villages_in_scope(user)}
    validator = _Validator(villages, timezone.localdate())
    good: list[_Row] = []
    for number, cells in rows:
        row = validator.row(number, cells, report)
        if row is not None:
            good.append(row)
    for row in good:
        row.values["source"] = row.values["source"] or source
    fingerprints = [
        _fingerprint({k: v for k, v in row.values.items() if k != "source"}) for row in good
    ]
    # Rows already waiting in the queue, found with one query rather than one per row.
    queued = set(
        IncomingRecord.objects.filter(fingerprint__in=fingerprints).values_list(
            "fingerprint", flat=True
        )
    )
    live = scope.residents_in_scope(user).select_related("village")
    matcher = _LazyMatcher(live)
    codes = {village.pk: code for code, village in villages.items()}
    with transaction.atomic():
        for row, fingerprint in zip(good, fingerprints, strict=True):
            if fingerprint in queued:
                report.unchanged += 1
                continue
            waiting = report.queued
            _apply(
                row,
                fingerprint,
                live=live,
                matcher=matcher,
                village_code=codes[row.values["village_id"]],
                report=report,
            )
            if report.queued > waiting:
                queued.add(fingerprint)  # the same row again further down the file
    audit.record(
        user,
        "create",
        "residents.resident",
        purpose=PURPOSE,
        request=request,
        detail={
            "source": source,
            "created": report.created_ids[:1000],
            "queued": report.queued,
            "rejected_rows": report.rejected_rows,
        },
    )
    return report


def _apply(
    row: _Row,
    fingerprint: str,
    *,
    live: Any,
    matcher: "_LazyMatcher",
    village_code: str,
    report: RosterReport,
) -> None:
    values = row.values
    same_id = (
        live.filter(citizen_id=values["citizen_id"]).first()
        if values["citizen_id"] and values["id_status"] != IdStatus.FLAGGED
        else None
    )
    nearby = list(
        live.filter(birth_date=values["birth_date"], sex=values["sex"]).exclude(
            pk=same_id.pk if same_id else None
        )[:200]
    )
    if same_id is not None and _same_person(same_id, values):
        report.unchanged += 1
        return
    if any(_same_person(resident, values) for resident in nearby):
        report.unchanged += 1
        return
    incoming_record = _match_record("incoming", values, village_code)
    candidates: list[tuple[Resident, float, dict[str, str]]] = []
    if same_id is not None:
        probability, evidence = matcher.link(incoming_record, _resident_record(same_id))
        candidates.append((same_id, max(probability, matching.DEFAULT_THRESHOLD), evidence))
    for resident in nearby:
        probability, evidence = matcher.link(incoming_record, _resident_record(resident))
        if probability >= matching.DEFAULT_THRESHOLD:
            candidates.append((resident, probability, evidence))
    if candidates:
        incoming = IncomingRecord.objects.create(
            source=values["source"], row=row.number, fingerprint=fingerprint, data=_jsonable(values)
        )
        for resident, probability, evidence in candidates:
            MatchCandidate.objects.create(
                resident=resident, incoming=incoming, score=probability, evidence=evidence
            )
        report.queued += 1
        return
    resident = Resident(**resident_fields(values), household=household_for(values))
    resident.save()
    report.created += 1
    report.created_ids.append(resident.pk)
    if values["id_status"] == IdStatus.FLAGGED:
        report.flagged += 1


TRAINING_SAMPLE = 20_000
ON_FILE = 0.5


class _LazyMatcher:
    """A matcher trained on (an even sample of) the records in the importer's scope, when the
    first row needs one; its u probabilities describe this population, not another."""

    def __init__(self, live: Any) -> None:
        self.live = live
        self.matcher: matching.Matcher | None = None
        self.population = 0

    def link(
        self, incoming: matching.MatchRecord, resident: matching.MatchRecord
    ) -> tuple[float, dict[str, str]]:
        """The probability that a roster row is this resident. The model's own prior is for two
        random records of one roster; here it is one row against the people on record: about
        half the rows of a roster are already on file, each as one of ``population`` people."""
        matcher = self.get()
        match = matcher.score(incoming, resident)
        prior = ON_FILE / max(self.population, 1)
        weight = match.weight - matcher.prior_weight + math.log2(prior / (1 - prior))
        return 2**weight / (1 + 2**weight), match.evidence

    def get(self) -> matching.Matcher:
        if self.matcher is None:
            pks = list(self.live.order_by("pk").values_list("pk", flat=True))
            self.population = len(pks)
            chosen = pks[:: max(1, len(pks) // TRAINING_SAMPLE)][:TRAINING_SAMPLE]
            sample = [
                _resident_record(resident)
                for resident in self.live.filter(pk__in=chosen).select_related("village")
            ]
            self.matcher = matching.Matcher.train(sample)
        return self.matcher


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(values, default=str, ensure_ascii=False))
    return loaded


def import_file(
    data: bytes, filename: str, *, user: User, request: HttpRequest | None
) -> RosterReport:
    """Read an .xlsx or .csv roster (``jiceng.spreadsheets.read_table``) and import it."""
    table = list(read_table(data, filename))
    headers = table[0][1].keys() if table else []
    columns = match_headers(headers, COLUMNS)
    missing = [c for c in COLUMNS if c.required and c not in columns.values()]
    report_missing = RosterReport()
    for column in missing:
        report_missing.rejections.append(
            Rejection(1, str(column.label), "", _("this column is required"))
        )
    if missing:
        return report_missing
    rows = (
        (number, {columns[h].key: v for h, v in cells.items() if h in columns})
        for number, cells in table
    )
    return import_rows(rows, user=user, request=request, source=filename)
