"""HR-12 (SXM-31): 15 consecutive or 25 cumulative years at township health centres; HR-5
(SXI-15) training per year; HR-1 service obligation."""

from datetime import date

import pytest

from workforce import rules

TODAY = date(2026, 6, 30)


def test_overlapping_posts_are_not_counted_twice():
    periods = [(date(2000, 1, 1), date(2009, 12, 31)), (date(2005, 1, 1), date(2012, 12, 31))]
    service = rules.township_service(periods, TODAY)
    assert service.cumulative_days == (date(2012, 12, 31) - date(2000, 1, 1)).days + 1
    assert service.longest_run_days == service.cumulative_days
    assert service.longest_run_years == 13.0
    assert not service.flagged


def test_a_post_inside_another_adds_nothing():
    periods = [(date(2000, 1, 1), date(2010, 12, 31)), (date(2003, 3, 1), date(2004, 2, 29))]
    alone = rules.township_service(periods[:1], TODAY)
    assert rules.township_service(periods, TODAY) == alone


@pytest.mark.parametrize(
    ("periods", "consecutive", "cumulative"),
    [
        # exactly 15 calendar years without a gap
        ([(date(2001, 7, 1), date(2016, 6, 30))], True, False),
        # one day short of 15 years
        ([(date(2001, 7, 1), date(2016, 6, 29))], False, False),
        # a move from one centre to another the next day stays one run
        (
            [(date(2001, 7, 1), date(2008, 12, 31)), (date(2009, 1, 1), date(2016, 6, 30))],
            True,
            False,
        ),
        # a gap of one day breaks the run
        (
            [(date(2001, 7, 1), date(2008, 12, 30)), (date(2009, 1, 1), date(2016, 6, 30))],
            False,
            False,
        ),
        # still in post (no end): counted up to today
        ([(date(2011, 6, 30), None)], True, False),
        # 25 cumulative years in three stretches, none of 15
        (
            [
                (date(1990, 1, 1), date(1999, 12, 31)),
                (date(2001, 1, 1), date(2010, 12, 31)),
                (date(2012, 1, 1), date(2016, 12, 31)),
            ],
            False,
            True,
        ),
        # 24 cumulative years: not enough
        (
            [
                (date(1990, 1, 1), date(1999, 12, 31)),
                (date(2001, 1, 1), date(2010, 12, 31)),
                (date(2012, 1, 1), date(2015, 12, 31)),
            ],
            False,
            False,
        ),
    ],
)
def test_hr12_flag(periods, consecutive, cumulative):
    service = rules.township_service(periods, TODAY)
    assert (service.consecutive_met, service.cumulative_met) == (consecutive, cumulative)
    assert service.flagged == (consecutive or cumulative)


def test_future_posts_and_future_ends_are_clipped_to_today():
    service = rules.township_service(
        [(date(2030, 1, 1), None), (date(2026, 6, 1), date(2027, 1, 1))], TODAY
    )
    assert service.cumulative_days == 30


def test_no_posts_no_years():
    service = rules.township_service([], TODAY)
    assert (service.cumulative_days, service.longest_run_days, service.flagged) == (0, 0, False)


def test_training_years_count_and_days():
    years = rules.training_years(
        [
            (date(2025, 3, 1), date(2025, 3, 7)),
            (date(2025, 9, 1), date(2025, 9, 7)),
            (date(2026, 1, 5), date(2026, 1, 5)),
        ]
    )
    assert [(y.year, y.count, y.days, y.meets_hr5) for y in years] == [
        (2026, 1, 1, False),
        (2025, 2, 14, True),
    ]


def test_obligation_days_remaining_and_ended():
    running = rules.obligation(date(2026, 7, 9), TODAY)
    assert running is not None
    assert (running.days_remaining, running.ended) == (10, False)
    last_day = rules.obligation(TODAY, TODAY)
    assert last_day is not None
    assert (last_day.days_remaining, last_day.ended) == (1, False)
    over = rules.obligation(date(2026, 6, 29), TODAY)
    assert over is not None
    assert (over.days_remaining, over.ended) == (0, True)
    assert rules.obligation(None, TODAY) is None
