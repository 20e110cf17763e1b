"""The schedule data (BPHS3-2017) and the scheduler ``next_due`` that everybody plans with."""

import tomllib
from datetime import date, timedelta

import pytest

from programmes.rules import (
    CONTACTS,
    Due,
    EnrolmentFacts,
    VisitFact,
    lost_after_days,
    next_due,
)
from programmes.schedules import (
    DEFAULT_SCHEDULE,
    SCHEDULE_DIRECTORY,
    SCHEDULES,
    Cited,
    Confidence,
    add_months,
    get_schedule,
    load_schedules,
    parse_schedule,
)
from programmes.tests import spec_tables as spec

SCHEDULE = SCHEDULES["BPHS3-2017"]

# ---------------------------------------------------------------- the data


def all_cited(value):
    """Every ``Cited`` inside a schedule (dataclasses, tuples and dicts)."""
    if isinstance(value, Cited):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_cited(item)
    elif isinstance(value, tuple):
        for item in value:
            yield from all_cited(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from all_cited(getattr(value, name))


def test_the_default_schedule_is_bphs3_2017():
    assert DEFAULT_SCHEDULE == "BPHS3-2017"
    assert get_schedule() is SCHEDULE


def test_unknown_schedule_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown schedule 'BPHS4'; known: BPHS3-2017"):
        get_schedule("BPHS4")


def test_every_rule_cites_a_spec_section_or_design_with_a_confidence():
    cited = list(all_cited(SCHEDULE))
    assert len(cited) > 40
    for rule in cited:
        assert rule.confidence in set(Confidence)
        assert rule.citation.startswith(("BPHS3 §", "HTN18 §", "DM20 §", "design"))
        if rule.citation.startswith("design"):
            assert rule.confidence == Confidence.UNVERIFIED


@pytest.mark.parametrize(("code", "months", "confidence"), spec.CHILD_CONTACTS)
def test_child_contacts_carry_age_citation_and_confidence(code, months, confidence):
    contact = {c.code: c for c in SCHEDULE.child.contacts}[code]
    assert (contact.age_months, contact.cited) == (
        months,
        Cited("BPHS3 §2.1", Confidence(confidence)),
    )


def test_children_leave_at_7_years():
    assert SCHEDULE.child.ends_at_age_months == 12 * spec.CHILDREN_UNTIL_AGE_YEARS


@pytest.mark.parametrize(("number", "from_week", "to_week"), spec.ANTENATAL_WEEKS)
def test_antenatal_visits_carry_their_weeks(number, from_week, to_week):
    visit = SCHEDULE.maternal.antenatal[number - 1]
    assert (visit.number, visit.code, visit.from_week, visit.to_week) == (
        number,
        f"antenatal_{number}",
        from_week,
        to_week,
    )
    assert visit.cited == Cited("BPHS3 §2.2", Confidence.VERIFIED)


@pytest.mark.parametrize(("from_age", "sbp", "dbp", "confidence"), spec.HTN_TARGETS)
def test_bp_targets_are_configurable_data(from_age, sbp, dbp, confidence):
    target = {t.from_age: t for t in SCHEDULE.hypertension.targets}[from_age]
    assert (target.sbp_below, target.dbp_below, target.cited.confidence) == (sbp, dbp, confidence)


@pytest.mark.parametrize(("phase", "supervisor", "days"), spec.TB_INTERVALS)
def test_tb_intervals_are_data(phase, supervisor, days):
    interval = SCHEDULE.tb.intervals[(supervisor, phase)]
    assert interval.days == days
    assert interval.cited.citation.startswith("BPHS3 §4.4")


@pytest.mark.parametrize("programme", ["hypertension", "diabetes", "smd"])
def test_routine_interval_keeps_the_yearly_minimum(programme):
    rules = getattr(SCHEDULE, programme)
    longest = rules.after[rules.routine].window.end
    assert spec.VISITS_PER_YEAR[programme] <= 365 / longest


@pytest.mark.parametrize(("category", "refer_and_weeks"), spec.SMD_ACTIONS.items())
def test_smd_scheduler_interval_matches_the_decision(category, refer_and_weeks):
    assert SCHEDULE.smd.after[category].window.end == 7 * refer_and_weeks[1]


def test_schedules_load_from_every_toml_file(tmp_path):
    text = (SCHEDULE_DIRECTORY / "bphs3-2017.toml").read_text(encoding="utf-8")
    (tmp_path / "local.toml").write_text(
        text.replace('version = "BPHS3-2017"', 'version = "LOCAL-2025"'), encoding="utf-8"
    )
    assert list(load_schedules(tmp_path)) == ["LOCAL-2025"]


def test_a_routine_without_an_interval_is_refused():
    data = tomllib.loads((SCHEDULE_DIRECTORY / "bphs3-2017.toml").read_text(encoding="utf-8"))
    data["smd"]["routine"] = "calm"
    with pytest.raises(ValueError, match="routine 'calm' has no interval"):
        parse_schedule(data)


# ---------------------------------------------------------------- the scheduler

BIRTH = date(2024, 1, 31)


def facts(programme, **fields):
    return EnrolmentFacts(
        **{"programme": programme, "enrolled_on": BIRTH, "birth_date": BIRTH, **fields}
    )


def owed(enrolment, visits, **options) -> Due:
    """``next_due`` when something is owed."""
    due = next_due(enrolment, visits, **options)
    assert due is not None
    return due


def visit(contact, on, classification=""):
    return VisitFact(contact, on, classification)


def days(count):
    return timedelta(days=count)


def test_contacts_by_programme():
    assert CONTACTS["child"] == tuple(code for code, _, _ in spec.CHILD_CONTACTS)
    assert CONTACTS["maternal"] == (
        *(f"antenatal_{number}" for number, _, _ in spec.ANTENATAL_WEEKS),
        "postpartum",
        "day42",
    )
    assert CONTACTS["hypertension"] == CONTACTS["diabetes"] == ("followup", "annual_check")
    assert CONTACTS["elderly"] == ("annual_check",)
    assert CONTACTS["tb"] == ("first_home", "tb_visit")
    assert set(CONTACTS) == {
        "child",
        "maternal",
        "elderly",
        "hypertension",
        "diabetes",
        "smd",
        "tb",
    }


@pytest.mark.parametrize(
    ("programme", "days_late"),
    [
        ("child", 90),
        ("maternal", 28),
        ("elderly", 90),
        ("hypertension", 90),
        ("diabetes", 90),
        ("smd", 90),
        ("tb", 14),
    ],
)
def test_lost_after_days_per_programme(programme, days_late):
    assert lost_after_days(programme) == days_late


def test_lost_after_days_of_an_unknown_programme_is_refused():
    with pytest.raises(ValueError, match="unknown programme 'dental'"):
        lost_after_days("dental")


def test_unknown_programme_is_refused():
    with pytest.raises(ValueError, match="unknown programme"):
        owed(facts("dental"), [])


# ---- children


def test_newborn_visit_is_due_within_7_days_of_discharge():
    discharge = BIRTH + days(2)
    due = owed(facts("child", discharge_date=discharge), [])
    deadline = discharge + days(spec.NEWBORN_WITHIN_DAYS_OF_DISCHARGE)
    assert due == Due("newborn", deadline, discharge, deadline, "BPHS3 §2.1")


def test_after_the_newborn_visit_the_full_month_visit():
    due = owed(facts("child"), [visit("newborn", BIRTH + days(5))])
    first, last = spec.FULL_MONTH_DAYS
    assert (due.contact, due.window_start, due.window_end) == (
        "m1",
        BIRTH + days(first),
        BIRTH + days(last),
    )


def test_a_missed_contact_stays_due_until_the_next_window_opens():
    done = [visit("newborn", BIRTH + days(5))]
    m3_window_start = next(c for c in SCHEDULE.child.contacts if c.code == "m3").dates(BIRTH)
    before = m3_window_start.window_start - days(1)
    assert owed(facts("child"), done, as_of=before).contact == "m1"
    assert owed(facts("child"), done, as_of=before + days(1)).contact == "m3"


def test_a_later_contact_done_moves_the_list_on():
    done = [visit("m3", add_months(BIRTH, 3)), visit("newborn", BIRTH + days(5))]
    due = owed(facts("child"), done)
    assert (due.contact, due.due_on) == ("m6", add_months(BIRTH, 6))


def test_without_as_of_the_answer_does_not_depend_on_the_day():
    done = [visit("newborn", BIRTH + days(5))]
    assert owed(facts("child"), done).contact == "m1"


def test_a_child_who_moves_in_at_2_starts_at_the_24_month_contact():
    moved_in = add_months(BIRTH, 24)
    assert owed(facts("child", enrolled_on=moved_in), []).contact == "m24"


def test_visits_before_enrolment_are_ignored():
    moved_in = add_months(BIRTH, 24)
    earlier = [visit("m24", moved_in - days(3))]
    assert owed(facts("child", enrolled_on=moved_in), earlier).contact == "m24"


def test_nothing_is_due_after_the_6_year_contact():
    done = [visit("y6", add_months(BIRTH, 72))]
    assert next_due(facts("child"), done) is None


def test_nothing_is_due_from_the_7th_birthday():
    seventh = add_months(BIRTH, 12 * spec.CHILDREN_UNTIL_AGE_YEARS)
    assert owed(facts("child"), [], as_of=seventh - days(1)).contact == "y6"
    assert next_due(facts("child"), [], as_of=seventh) is None


def test_codes_of_other_programmes_are_ignored():
    assert owed(facts("child"), [visit("followup", BIRTH + days(1))]).contact == "newborn"


# ---- pregnancy

LMP = date(2024, 1, 1)


def week(weeks, extra_days=0):
    return LMP + timedelta(weeks=weeks, days=extra_days)


def pregnancy(**fields):
    return facts(
        "maternal",
        **{"birth_date": date(1995, 6, 1), "lmp_date": LMP, "enrolled_on": week(8)} | fields,
    )


def antenatal_due(number, citation="BPHS3 §2.2"):
    _, from_week, to_week = spec.ANTENATAL_WEEKS[number - 1]
    start = week(from_week)
    return Due(f"antenatal_{number}", start, start, week(to_week, 6), citation)


def test_the_first_antenatal_visit_is_due_before_week_13():
    assert owed(pregnancy(), []) == antenatal_due(1)


def test_after_the_first_visit_the_second():
    assert owed(pregnancy(), [visit("antenatal_1", week(10))]) == antenatal_due(2)


def test_enrolled_at_week_14_the_first_visit_is_overdue_until_week_16():
    late = pregnancy(enrolled_on=week(14))
    assert owed(late, []) == antenatal_due(1)
    assert owed(late, [], as_of=week(16)) == antenatal_due(2)


def test_the_fifth_visit_stays_due_until_delivery():
    done = [visit(f"antenatal_{n}", week(w)) for n, w in ((1, 10), (2, 17), (3, 22), (4, 30))]
    assert owed(pregnancy(), done, as_of=week(42)) == antenatal_due(5)


def test_nothing_is_due_after_the_fifth_visit_until_delivery():
    done = [visit(f"antenatal_{n}", week(w)) for n, w in ((1, 10), (5, 38))]
    assert next_due(pregnancy(), done) is None


def test_after_delivery_the_postpartum_visit_then_the_42_day_check():
    delivery, discharge = week(39), week(39, 3)
    delivered = pregnancy(delivery_date=delivery, discharge_date=discharge)
    deadline = discharge + days(spec.POSTPARTUM_WITHIN_DAYS_OF_DISCHARGE)
    assert owed(delivered, [visit("antenatal_1", week(10))]) == Due(
        "postpartum", deadline, discharge, deadline, "BPHS3 §2.2"
    )
    check = delivery + days(spec.CHECK_DAYS_AFTER_DELIVERY)
    due = owed(delivered, [visit("postpartum", discharge + days(3))])
    assert (due.contact, due.due_on, due.window_start) == ("day42", check, check)
    assert next_due(delivered, [visit("day42", check)]) is None


def test_postpartum_visit_counts_from_delivery_without_a_discharge():
    delivery = week(39)
    due = owed(pregnancy(delivery_date=delivery), [])
    assert due.due_on == delivery + days(spec.POSTPARTUM_WITHIN_DAYS_OF_DISCHARGE)


def test_a_pregnancy_needs_a_date():
    with pytest.raises(ValueError, match="lmp_date or delivery_date"):
        owed(pregnancy(lmp_date=None), [])


# ---- hypertension, diabetes, SMD

ENROLLED = date(2024, 3, 1)
CHRONIC = ["hypertension", "diabetes"]


def chronic(programme):
    return facts(programme, birth_date=date(1960, 1, 1), enrolled_on=ENROLLED)


@pytest.mark.parametrize("programme", [*CHRONIC, "smd"])
def test_the_first_follow_up_is_due_within_2_weeks_of_enrolment(programme):
    due = owed(chronic(programme), [])
    assert (due.contact, due.window_start, due.window_end, due.due_on) == (
        "followup",
        ENROLLED,
        ENROLLED + days(14),
        ENROLLED + days(14),
    )


@pytest.mark.parametrize("programme", CHRONIC)
@pytest.mark.parametrize("classification", ["uncontrolled", "adverse_reaction", "complication"])
def test_after_a_visit_off_target_within_2_weeks(programme, classification):
    last = ENROLLED + days(10)
    due = owed(chronic(programme), [visit("followup", last, classification)])
    weeks = spec.FOLLOWUP_WITHIN_WEEKS
    assert (due.window_start, due.window_end, due.due_on) == (
        last + days(1),
        last + days(7 * weeks),
        last + days(7 * weeks),
    )


@pytest.mark.parametrize("programme", CHRONIC)
def test_after_a_controlled_visit_within_3_months(programme):
    last = ENROLLED + days(10)
    due = owed(chronic(programme), [visit("followup", last, "controlled")])
    assert (due.window_start, due.window_end) == (last + days(61), last + days(91))
    assert spec.VISITS_PER_YEAR[programme] <= 365 / 91


@pytest.mark.parametrize("programme", CHRONIC)
def test_the_last_visit_counts_whatever_the_order(programme):
    visits = [
        visit("followup", ENROLLED + days(40), "controlled"),
        visit("followup", ENROLLED + days(10), "uncontrolled"),
    ]
    assert owed(chronic(programme), visits).due_on == ENROLLED + days(40 + 91)


@pytest.mark.parametrize("programme", CHRONIC)
def test_the_yearly_check_counts_as_a_follow_up(programme):
    check = ENROLLED + days(30)
    visits = [visit("followup", ENROLLED + days(10), "uncontrolled"), visit("annual_check", check)]
    due = owed(chronic(programme), visits)
    assert due.due_on == check + days(14)  # the check keeps the last classification


@pytest.mark.parametrize("programme", CHRONIC)
def test_an_unclassified_visit_alone_is_routine(programme):
    check = ENROLLED + days(30)
    assert owed(chronic(programme), [visit("annual_check", check)]).due_on == check + days(91)


def test_visits_before_enrolment_do_not_count():
    earlier = [visit("followup", ENROLLED - days(1), "controlled")]
    assert owed(chronic("hypertension"), earlier).due_on == ENROLLED + days(14)


def test_an_unknown_classification_is_refused():
    with pytest.raises(ValueError, match="unknown classification 'stable'"):
        owed(chronic("hypertension"), [visit("followup", ENROLLED, "stable")])


@pytest.mark.parametrize(("category", "refer_and_weeks"), spec.SMD_ACTIONS.items())
def test_smd_follow_up_by_category(category, refer_and_weeks):
    last = ENROLLED + days(5)
    due = owed(chronic("smd"), [visit("followup", last, category)])
    assert due.due_on == last + days(7 * refer_and_weeks[1])


def test_the_smd_yearly_check_is_not_a_follow_up():
    visits = [visit("followup", ENROLLED, "unstable"), visit("annual_check", ENROLLED + days(7))]
    assert owed(chronic("smd"), visits).due_on == ENROLLED + days(14)


# ---- elderly


def test_the_first_elderly_check_within_30_days_of_enrolment():
    due = owed(facts("elderly", birth_date=date(1950, 1, 1), enrolled_on=ENROLLED), [])
    assert (due.contact, due.window_start, due.window_end) == (
        "annual_check",
        ENROLLED,
        ENROLLED + days(30),
    )


def test_the_elderly_check_is_yearly():
    last = date(2024, 3, 10)
    elderly = facts("elderly", birth_date=date(1950, 1, 1), enrolled_on=ENROLLED)
    due = owed(elderly, [visit("annual_check", last)])
    assert (due.due_on, due.window_start, due.window_end) == (
        date(2025, 3, 10),
        date(2025, 3, 10) - days(30),
        date(2025, 3, 10) + days(30),
    )


# ---- TB


def tb(**fields):
    return facts("tb", **{"birth_date": date(1980, 1, 1), "enrolled_on": ENROLLED} | fields)


def test_the_first_home_visit_within_72_hours():
    due = owed(tb(), [])
    hours = spec.TB_FIRST_HOME_VISIT_HOURS
    assert (due.contact, due.window_end) == ("first_home", ENROLLED + timedelta(hours=hours))
    assert due.citation.startswith("BPHS3 §4.4")


@pytest.mark.parametrize(("phase", "supervisor", "interval"), spec.TB_INTERVALS)
def test_tb_visits_at_the_interval_of_phase_and_supervisor(phase, supervisor, interval):
    first = ENROLLED + days(1)
    patient = tb(tb_phase=phase, tb_supervisor=supervisor)
    due = owed(patient, [visit("first_home", first)])
    assert (due.contact, due.due_on) == ("tb_visit", first + days(interval))
    later = owed(patient, [visit("first_home", first), visit("tb_visit", first + days(9))])
    assert later.due_on == first + days(9 + interval)


def test_tb_without_phase_or_supervisor_takes_the_shortest_interval():
    first = ENROLLED + days(1)
    shortest = min(interval for _, _, interval in spec.TB_INTERVALS)
    assert owed(tb(), [visit("first_home", first)]).due_on == first + days(shortest)
