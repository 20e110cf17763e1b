"""Workforce checks and targets: HR-4 … HR-13 (SXI-15, SXI-16, SXI-27, SXM-3, SXM-29, SXM-38,
JC-11, WD-4, WD-5, WD-6)."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from divisions.models import Division
from institutions.models import Institution
from supervision.checks.common import (
    CENTRE_TYPES,
    COUNTY_LEVEL_TYPES,
    GRASSROOTS_TYPES,
    Context,
    Type,
    county_failing,
    division_failing,
    institution_failing,
    percent,
    share,
    staff_failing,
)
from supervision.packs import RuleConfig
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS, Failing, Outcome
from workforce.models import (
    LICENSED_PHYSICIAN_CERTIFICATES,
    GuidanceVisit,
    Staff,
    TrainingRecord,
)

Title = Staff.TitleLevel
MID_LEVEL_OR_ABOVE = (Title.INTERMEDIATE, Title.ASSOCIATE_SENIOR, Title.SENIOR)
LICENSED_PROFESSIONS = (
    Staff.Profession.DOCTOR,
    Staff.Profession.ASSISTANT_DOCTOR,
    Staff.Profession.RURAL_GP_ASSISTANT,
)


def hr_4(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every county-hospital staff member with a mid-level title or above gives ≥ 1 guidance or
    training visit at a grassroots institution a month (SXI-16). Judged on the last full month."""
    needed = int(rule.param("visits_per_month"))
    first, last = ctx.last_full_month()
    overlapping = Q(
        guidance_visits__started_on__lte=last,
        guidance_visits__ended_on__gte=first,
        guidance_visits__host__type__in=GRASSROOTS_TYPES,
    )
    staff = list(
        ctx.staff()
        .filter(institution__type__in=COUNTY_LEVEL_TYPES, title_level__in=MID_LEVEL_OR_ABOVE)
        .annotate(visits=Count("guidance_visits", filter=overlapping, distinct=True))
        .select_related("institution")
        .order_by("institution__path", "name")
    )
    threshold = _("≥ %(count)d visit(s) in %(month)s") % {
        "count": needed,
        "month": first.strftime("%Y-%m"),
    }
    if not staff:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No such staff on record."))
    failing = [
        staff_failing(
            person,
            _("%(institution)s: %(visits)d visit(s)")
            % {"institution": person.institution.name, "visits": person.visits},
        )
        for person in staff
        if person.visits < needed
    ]
    return Outcome(
        FAIL if failing else PASS,
        f"{len(staff) - len(failing)}/{len(staff)}",
        threshold,
        failing,
        checked=len(staff),
    )


def hr_5(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every village doctor receives free training ≥ 2 times a year totalling ≥ 2 weeks
    (SXI-15). Judged on the 365 days up to today."""
    sessions, days = int(rule.param("sessions_per_year")), int(rule.param("days_per_year"))
    first, last = ctx.last_year()
    doctors = list(ctx.village_doctors().select_related("institution").order_by("name"))
    threshold = _("≥ %(sessions)d sessions and ≥ %(days)d days a year") % {
        "sessions": sessions,
        "days": days,
    }
    if not doctors:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No village doctors on record."))
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for staff_id, started, ended in TrainingRecord.objects.filter(
        staff__in=[d.pk for d in doctors], is_free=True, started_on__gte=first, started_on__lte=last
    ).values_list("staff_id", "started_on", "ended_on"):
        totals[staff_id][0] += 1
        totals[staff_id][1] += (ended - started).days + 1
    failing = []
    for doctor in doctors:
        count, total_days = totals[doctor.pk]
        if count < sessions or total_days < days:
            failing.append(
                staff_failing(
                    doctor,
                    _("%(clinic)s: %(count)d session(s), %(days)d day(s)")
                    % {"clinic": doctor.institution.name, "count": count, "days": total_days},
                )
            )
    return Outcome(
        FAIL if failing else PASS,
        f"{len(doctors) - len(failing)}/{len(doctors)}",
        threshold,
        failing,
        checked=len(doctors),
    )


def hr_6(ctx: Context, rule: RuleConfig) -> Outcome:
    """Village doctors per 1,000 people served by village clinics (SXM-3, WD-5), by township."""
    low = float(rule.param("per_1000_min"))
    high = rule.optional("per_1000_max")
    threshold = (
        _("%(low)s–%(high)s per 1,000") % {"low": low, "high": high}
        if high is not None
        else _("≥ %(low)s per 1,000") % {"low": low}
    )
    rural = Division.objects.filter(code__range=ctx.county.code_range, kind=Division.Kind.VILLAGE)
    townships = list(
        ctx.divisions()
        .filter(kind__in=(Division.Kind.TOWN, Division.Kind.TOWNSHIP))
        .order_by("code")
    )
    population: dict[int, int] = defaultdict(
        int,
        rural.order_by()
        .values("parent_id")
        .annotate(people=Sum("population"))
        .values_list("parent_id", "people"),
    )
    doctors: dict[str, int] = defaultdict(
        int,
        ctx.village_doctors()
        .order_by()
        .annotate(township=Substr("institution__division__code", 1, 9))
        .values("township")
        .annotate(count=Count("pk"))
        .values_list("township", "count"),
    )
    total_people = sum(population[t.pk] for t in townships)
    total_doctors = sum(doctors[t.prefix] for t in townships)
    if not total_people:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No rural population on record."))
    failing = []
    for township in townships:
        people = population[township.pk]
        if not people:
            continue
        ratio = doctors[township.prefix] * 1000 / people
        if ratio < low or (high is not None and ratio > float(high)):
            failing.append(
                division_failing(
                    township,
                    _("%(doctors)d village doctors for %(people)d people: %(ratio).2f per 1,000")
                    % {"doctors": doctors[township.prefix], "people": people, "ratio": ratio},
                )
            )
    value = round(total_doctors * 1000 / total_people, 2)
    return Outcome(
        FAIL if failing else PASS,
        value,
        threshold,
        failing,
        note=_("County: %(doctors)d village doctors, %(people)d rural residents.")
        % {"doctors": total_doctors, "people": total_people},
        checked=len(townships),
    )


def hr_7(ctx: Context, rule: RuleConfig) -> Outcome:
    """THC staffing quota: 1–1.5 ‰ of the population (WD-4), ≥ 90 % of its posts kept for
    professional and technical staff (WD-4), reviewed every 5 years (SXM-38, WD-4) — whichever
    the pack sets."""
    per_mille_min = rule.optional("quota_per_mille_min")
    per_mille_max = rule.optional("quota_per_mille_max")
    professional_min = rule.optional("professional_share_min")
    review_years = rule.optional("review_years")
    parts = []
    if per_mille_min is not None and per_mille_max is None:
        parts.append(_("quota ≥ %(low)s ‰ of the population") % {"low": per_mille_min})
    elif per_mille_min is not None:
        parts.append(
            _("quota %(low)s–%(high)s ‰ of the population")
            % {"low": per_mille_min, "high": per_mille_max}
        )
    if professional_min is not None:
        parts.append(
            _("≥ %(share)s professional posts") % {"share": percent(float(professional_min))}
        )
    if review_years is not None:
        parts.append(_("reviewed within %(years)s years") % {"years": review_years})
    threshold = "；".join(parts)
    thcs = list(
        ctx.institutions()
        .filter(type=Type.THC)
        .select_related("capabilities", "division")
        .prefetch_related("served_divisions")
        .order_by("path")
    )
    if not any(getattr(t, "capabilities", None) and t.capabilities.staffing_quota for t in thcs):
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No staffing quotas on record."))
    failing = []
    for thc in thcs:
        capabilities = getattr(thc, "capabilities", None)
        quota = capabilities.staffing_quota if capabilities else None
        if not quota:
            failing.append(institution_failing(thc, _("staffing quota not recorded")))
            continue
        problems = []
        people = sum(d.population for d in thc.served_divisions.all())
        if per_mille_min is not None and people:
            ratio = quota * 1000 / people
            if ratio < float(per_mille_min) or (
                per_mille_max is not None and ratio > float(per_mille_max)
            ):
                problems.append(
                    _("quota %(quota)d for %(people)d people: %(ratio).2f ‰")
                    % {"quota": quota, "people": people, "ratio": ratio}
                )
        if professional_min is not None:
            kept = capabilities.professional_quota if capabilities else None
            if kept is None:
                problems.append(_("professional quota posts not recorded"))
            elif kept / quota < float(professional_min):
                problems.append(
                    _("%(kept)d of %(quota)d quota posts for professional staff")
                    % {"kept": kept, "quota": quota}
                )
        if review_years is not None:
            reviewed = capabilities.quota_reviewed_on if capabilities else None
            cutoff = ctx.today - timedelta(days=round(365.25 * int(review_years)))
            if reviewed is None or reviewed < cutoff:
                problems.append(
                    _("quota last reviewed %(date)s")
                    % {"date": reviewed.isoformat() if reviewed else _("never")}
                )
        if problems:
            failing.append(institution_failing(thc, "；".join(problems)))
    return Outcome(
        FAIL if failing else PASS,
        f"{len(thcs) - len(failing)}/{len(thcs)}",
        threshold,
        failing,
        checked=len(thcs),
    )


def hr_8(ctx: Context, rule: RuleConfig) -> Outcome:
    """Share of village doctors holding a (assistant) physician licence (SXM-29, WD-5)."""
    target = float(rule.param("share"))
    doctors = ctx.village_doctors()
    total = doctors.count()
    threshold = f"≥ {percent(target)}"
    if not total:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No village doctors on record."))
    licensed = (
        doctors.filter(
            Q(profession__in=LICENSED_PROFESSIONS)
            | Q(certificates__kind__in=LICENSED_PHYSICIAN_CERTIFICATES)
        )
        .distinct()
        .count()
    )
    value = share(licensed, total) or 0.0
    failing = []
    if value < target:
        failing = [
            county_failing(
                ctx.county,
                _("%(licensed)d of %(total)d village doctors licensed")
                % {"licensed": licensed, "total": total},
            )
        ]
    return Outcome(
        PASS if value >= target else FAIL,
        value,
        threshold,
        failing,
        checked=total,
        display=percent(value, 1),
    )


def _post_label(profession: str, title: str) -> str:
    return f"{Staff.Profession(profession).label} · {Title(title).label}"


def hr_11(ctx: Context, rule: RuleConfig) -> Outcome:
    """Salaries at CHSCs and THCs are not lower than county-level staff in the same post
    (JC-11, SXI-27). A post is a profession and title level."""
    paid = ctx.staff().filter(monthly_salary__isnull=False)
    county = {
        (row["profession"], row["title_level"]): row["average"]
        for row in paid.filter(institution__type__in=COUNTY_LEVEL_TYPES)
        .order_by()
        .values("profession", "title_level")
        .annotate(average=Avg("monthly_salary"))
    }
    threshold = _("grassroots average ≥ county-level average, post by post")
    if not county:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No salaries on record."))
    rows = (
        paid.filter(institution__type__in=(Type.CHSC, Type.THC, Type.THC_BRANCH))
        .order_by()
        .values("institution_id", "profession", "title_level")
        .annotate(average=Avg("monthly_salary"))
    )
    below: dict[int, list[str]] = defaultdict(list)
    compared = 0
    for row in rows:
        reference = county.get((row["profession"], row["title_level"]))
        if reference is None:
            continue
        compared += 1
        if Decimal(row["average"]) < Decimal(reference):
            below[row["institution_id"]].append(
                _("%(post)s: %(here).0f < %(county).0f yuan")
                % {
                    "post": _post_label(row["profession"], row["title_level"]),
                    "here": row["average"],
                    "county": reference,
                }
            )
    institutions = Institution.objects.in_bulk(list(below))
    failing: list[Failing] = [
        institution_failing(institutions[pk], "；".join(reasons))
        for pk, reasons in sorted(below.items(), key=lambda item: institutions[item[0]].path)
    ]
    if not compared:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No post to compare."))
    return Outcome(
        FAIL if failing else PASS,
        f"{compared - sum(len(r) for r in below.values())}/{compared}",
        threshold,
        failing,
        checked=compared,
    )


def _yearly(ctx: Context, rule: RuleConfig, value: int, what: str) -> Outcome:
    target = int(rule.param("count"))
    failing = (
        [county_failing(ctx.county, _("%(count)d so far this year") % {"count": value})]
        if value < target
        else []
    )
    return Outcome(
        PASS if value >= target else FAIL,
        value,
        _("≥ %(count)d %(what)s in %(year)d")
        % {"count": target, "what": what, "year": ctx.today.year},
        failing,
        checked=value,
    )


def _trained(ctx: Context, level: str) -> int:
    first, last = ctx.this_year()
    return (
        TrainingRecord.objects.filter(
            staff__in=ctx.staff().filter(institution__type__in=CENTRE_TYPES),
            level=level,
            started_on__range=(first, last),
        )
        .values("staff_id")
        .distinct()
        .count()
    )


def hr_13_tertiary(ctx: Context, rule: RuleConfig) -> Outcome:
    """Staff of township and community centres trained at tertiary hospitals this year (WD-6)."""
    return _yearly(ctx, rule, _trained(ctx, TrainingRecord.Level.TERTIARY), _("staff trained"))


def hr_13_dispatched(ctx: Context, rule: RuleConfig) -> Outcome:
    """County specialists dispatched down to grassroots institutions this year (WD-6)."""
    first, last = ctx.this_year()
    dispatched = (
        GuidanceVisit.objects.filter(
            staff__in=ctx.staff().filter(institution__type__in=COUNTY_LEVEL_TYPES),
            host__type__in=GRASSROOTS_TYPES,
            started_on__range=(first, last),
        )
        .exclude(kind=GuidanceVisit.Kind.TRAINING)
        .values("staff_id")
        .distinct()
        .count()
    )
    return _yearly(ctx, rule, dispatched, _("specialists"))


def hr_13_trained_up(ctx: Context, rule: RuleConfig) -> Outcome:
    """Staff of township and community centres trained at county hospitals this year (WD-6)."""
    return _yearly(ctx, rule, _trained(ctx, TrainingRecord.Level.COUNTY), _("staff trained"))


def hr_13_deputy_heads(ctx: Context, rule: RuleConfig) -> Outcome:
    """One-year postings as deputy head of a grassroots institution starting this year (WD-6)."""
    first, last = ctx.this_year()
    postings = GuidanceVisit.objects.filter(
        staff__in=ctx.staff(),
        host__type__in=GRASSROOTS_TYPES,
        kind=GuidanceVisit.Kind.POSTING,
        as_deputy_head=True,
        started_on__range=(first, last),
    ).values_list("started_on", "ended_on")
    year_long = sum(1 for started, ended in postings if (ended - started).days >= 364)
    return _yearly(ctx, rule, year_long, _("deputy-head postings"))
