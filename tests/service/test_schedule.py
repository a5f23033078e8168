"""Station schedule arithmetic: programme slots in local time, DST, and alert repeats."""

from __future__ import annotations

import time as clock
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.station.schedule import (
    ScheduleError,
    day_bounds,
    due_slots,
    is_active,
    local_day,
    next_repeat,
    next_slot,
    parse_days,
    parse_times,
    previous_slot,
    repeat_times,
    slots_on,
    to_local,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
ALL_DAYS = (1, 2, 3, 4, 5, 6, 7)
US = timedelta(microseconds=1)


def hcm(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Hà Nội wall time as the naive UTC instant the module speaks (UTC+7, no DST)."""
    return datetime(y, mo, d, h, mi) - timedelta(hours=7)


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "expected"), [
    (["06:00"], ("06:00",)),
    (["17:00", "6:00"], ("06:00", "17:00")),
    (("00:00", "23:59", "9:05"), ("00:00", "09:05", "23:59")),
    ([f"{h}:30" for h in range(24)], tuple(f"{h:02d}:30" for h in range(24))),
])
def test_parse_times_good(values: object, expected: tuple[str, ...]) -> None:
    assert parse_times(values) == expected


@pytest.mark.parametrize("values", [
    ["24:00"], ["6:60"], ["06:00:00"], ["06h00"], ["6"], ["006:00"], ["-1:00"], [" 06:00"],
    ["06:00\n"], ["06:0"], ["٠٦:٠٠"], ["6:00 PM"], [""], [600], [6.0], [None], [True],
    [["06:00"]], ["06:00", "06:00"], ["6:00", "06:00"], [],
    [f"{h}:00" for h in range(24)] + ["0:30"],
    "06:00", b"06:00", None, 6, {"06:00"}, {"t": "06:00"},
])
def test_parse_times_bad(values: object) -> None:
    with pytest.raises(ScheduleError):
        parse_times(values)


def test_parse_times_error_is_a_value_error_with_a_short_message() -> None:
    with pytest.raises(ValueError, match="not a time of day") as info:
        parse_times(["x" * 10_000])
    assert len(str(info.value)) < 200


@given(st.sets(st.tuples(st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=24),
       st.booleans(), st.randoms(use_true_random=False))
def test_parse_times_normalizes_any_valid_set(clocks: set[tuple[int, int]], pad: bool,
                                              rnd: object) -> None:
    spelled = [f"{h:02d}:{m:02d}" if pad else f"{h}:{m:02d}" for h, m in clocks]
    rnd.shuffle(spelled)  # type: ignore[attr-defined]
    assert parse_times(spelled) == tuple(f"{h:02d}:{m:02d}" for h, m in sorted(clocks))


@pytest.mark.parametrize(("values", "expected"), [
    ([1], (1,)), ([7, 1], (1, 7)), ((3, 5, 4), (3, 4, 5)), ([7, 6, 5, 4, 3, 2, 1], ALL_DAYS),
])
def test_parse_days_good(values: object, expected: tuple[int, ...]) -> None:
    assert parse_days(values) == expected


@pytest.mark.parametrize("values", [
    [], [0], [8], [-1], [True], [False], ["1"], [1.0], [None], [1, 1], [1, 2, 3, 4, 5, 6, 7, 1],
    "1", "1234567", 1, None, {1, 2}, {1: 1},
])
def test_parse_days_bad(values: object) -> None:
    with pytest.raises(ScheduleError):
        parse_days(values)


# --- programme slots ---------------------------------------------------------------------


def test_slots_on_hcm_are_utc_and_six_is_the_day_before() -> None:
    day = date(2024, 9, 7)  # a Saturday (6)
    assert slots_on(["17:00", "06:00"], ALL_DAYS, day, HCM) == [
        datetime(2024, 9, 6, 23, 0), datetime(2024, 9, 7, 10, 0)]
    assert slots_on(["06:00"], [6], day, HCM) == [datetime(2024, 9, 6, 23, 0)]


@pytest.mark.parametrize("days", [(1, 2, 3, 4, 5), (7,), (1,)])
def test_slots_on_skips_days_not_listed(days: tuple[int, ...]) -> None:
    assert slots_on(["06:00", "17:00"], days, date(2024, 9, 7), HCM) == []


@pytest.mark.parametrize(("at", "prev", "nxt"), [
    # evening, after the last edition: the next one is tomorrow 06:00, across local midnight
    (hcm(2024, 9, 7, 17, 30), hcm(2024, 9, 7, 17), hcm(2024, 9, 8, 6)),
    # just after local midnight (17:00 UTC): still waiting for 06:00
    (hcm(2024, 9, 8, 0, 1), hcm(2024, 9, 7, 17), hcm(2024, 9, 8, 6)),
    # exactly on a slot: strictly before / strictly after
    (hcm(2024, 9, 8, 6), hcm(2024, 9, 7, 17), hcm(2024, 9, 8, 17)),
    (hcm(2024, 9, 8, 6) + US, hcm(2024, 9, 8, 6), hcm(2024, 9, 8, 17)),
])
def test_previous_and_next_slot_every_day(at: datetime, prev: datetime, nxt: datetime) -> None:
    times = ["06:00", "17:00"]
    assert previous_slot(times, ALL_DAYS, at, HCM) == prev
    assert next_slot(times, ALL_DAYS, at, HCM) == nxt


@pytest.mark.parametrize(("at", "prev", "nxt"), [
    (hcm(2024, 9, 9, 7), hcm(2024, 9, 8, 6), hcm(2024, 9, 15, 6)),  # Monday
    (hcm(2024, 9, 14, 23, 59), hcm(2024, 9, 8, 6), hcm(2024, 9, 15, 6)),  # Saturday night
    (hcm(2024, 9, 15, 6), hcm(2024, 9, 8, 6), hcm(2024, 9, 22, 6)),  # on the slot: a week
])
def test_only_sunday_across_a_week(at: datetime, prev: datetime, nxt: datetime) -> None:
    assert previous_slot(["06:00"], [7], at, HCM) == prev
    assert next_slot(["06:00"], [7], at, HCM) == nxt


def test_no_days_no_slot() -> None:
    assert next_slot(["06:00"], [], hcm(2024, 9, 9), HCM) is None
    assert previous_slot(["06:00"], [], hcm(2024, 9, 9), HCM) is None


@pytest.mark.parametrize(("now", "expected"), [
    (hcm(2024, 9, 7, 6, 0) + timedelta(seconds=30), [hcm(2024, 9, 7, 6)]),
    (hcm(2024, 9, 7, 6, 0), [hcm(2024, 9, 7, 6)]),  # the tick on the minute
    (hcm(2024, 9, 7, 6, 9) + timedelta(seconds=59), [hcm(2024, 9, 7, 6)]),
    (hcm(2024, 9, 7, 6, 10), []),  # grace is exclusive: 10 min late is too late
    (hcm(2024, 9, 7, 6, 20), []),
    (hcm(2024, 9, 7, 5, 59), []),
    (hcm(2024, 9, 7, 12, 0), []),
])
def test_due_slots_grace_window(now: datetime, expected: list[datetime]) -> None:
    assert due_slots(["06:00", "17:00"], ALL_DAYS, now, timedelta(minutes=10), HCM) == expected


def test_due_slots_catches_up_across_midnight_and_refuses_negative_grace() -> None:
    times = ["23:55", "00:05"]
    now = hcm(2024, 9, 8, 0, 6)
    assert due_slots(times, ALL_DAYS, now, timedelta(minutes=15), HCM) == [
        hcm(2024, 9, 7, 23, 55), hcm(2024, 9, 8, 0, 5)]
    assert due_slots(times, ALL_DAYS, now, timedelta(0), HCM) == []
    with pytest.raises(ScheduleError):
        due_slots(times, ALL_DAYS, now, timedelta(minutes=-1), HCM)


# --- DST (Europe/Berlin: 2024-03-31 02:00 CET -> 03:00 CEST; 2024-10-27 03:00 -> 02:00) ---


def test_spring_forward_gap_time_is_pushed_forward_consistently() -> None:
    day = date(2024, 3, 31)
    # 02:30 does not exist: read with the offset before the gap, it is 03:30 CEST
    assert slots_on(["02:30"], ALL_DAYS, day, BERLIN) == [datetime(2024, 3, 31, 1, 30)]
    assert to_local(datetime(2024, 3, 31, 1, 30), BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
    # 02:30 and 03:30 are then the same instant: one slot, not two
    assert slots_on(["01:30", "02:30", "03:30"], ALL_DAYS, day, BERLIN) == [
        datetime(2024, 3, 31, 0, 30), datetime(2024, 3, 31, 1, 30)]
    # the same answer from every entry point
    assert next_slot(["02:30"], ALL_DAYS, datetime(2024, 3, 30, 12), BERLIN) == datetime(
        2024, 3, 31, 1, 30)
    assert previous_slot(["02:30"], ALL_DAYS, datetime(2024, 3, 31, 12), BERLIN) == datetime(
        2024, 3, 31, 1, 30)
    assert due_slots(["02:30"], ALL_DAYS, datetime(2024, 3, 31, 1, 31), timedelta(minutes=5),
                     BERLIN) == [datetime(2024, 3, 31, 1, 30)]
    start, end = day_bounds(day, BERLIN)
    assert (start, end) == (datetime(2024, 3, 30, 23), datetime(2024, 3, 31, 22))
    assert end - start == timedelta(hours=23)


def test_fall_back_ambiguous_time_is_taken_once() -> None:
    day = date(2024, 10, 27)
    times = ["02:30"]
    # first occurrence (CEST, 00:30 UTC) only, never again at 01:30 UTC (CET)
    assert slots_on(times, ALL_DAYS, day, BERLIN) == [datetime(2024, 10, 27, 0, 30)]
    assert next_slot(times, ALL_DAYS, datetime(2024, 10, 27, 0, 30), BERLIN) == datetime(
        2024, 10, 28, 1, 30)
    assert previous_slot(times, ALL_DAYS, datetime(2024, 10, 27, 2), BERLIN) == datetime(
        2024, 10, 27, 0, 30)
    assert due_slots(times, ALL_DAYS, datetime(2024, 10, 27, 1, 31), timedelta(minutes=5),
                     BERLIN) == []
    start, end = day_bounds(day, BERLIN)
    assert (start, end) == (datetime(2024, 10, 26, 22), datetime(2024, 10, 27, 23))
    assert end - start == timedelta(hours=25)


def test_midnight_inside_a_dst_change() -> None:
    """São Paulo changed clocks at midnight: 2018-11-04 has no 00:00, 2019-02-16 23:xx twice."""
    sp = ZoneInfo("America/Sao_Paulo")
    # 00:00 -03 is the transition instant (shown as 01:00 -02): the day starts there
    assert day_bounds(date(2018, 11, 4), sp) == (datetime(2018, 11, 4, 3), datetime(2018, 11, 5, 2))
    assert local_day(datetime(2018, 11, 4, 2, 59), sp) == date(2018, 11, 3)
    assert local_day(datetime(2018, 11, 4, 3), sp) == date(2018, 11, 4)
    assert day_bounds(date(2019, 2, 16), sp) == (datetime(2019, 2, 16, 2), datetime(2019, 2, 17, 3))
    assert local_day(datetime(2019, 2, 17, 2, 59), sp) == date(2019, 2, 16)
    assert slots_on(["00:30"], ALL_DAYS, date(2018, 11, 4), sp) == [datetime(2018, 11, 4, 3, 30)]


def test_local_day_and_to_local() -> None:
    assert local_day(datetime(2024, 9, 6, 16, 59), HCM) == date(2024, 9, 6)
    assert local_day(datetime(2024, 9, 6, 17, 0), HCM) == date(2024, 9, 7)
    local = to_local(datetime(2024, 9, 6, 23, 0), HCM)
    assert (local.hour, local.utcoffset()) == (6, timedelta(hours=7))
    assert day_bounds(date(2024, 9, 7), HCM) == (datetime(2024, 9, 6, 17), datetime(2024, 9, 7, 17))
    with pytest.raises(TypeError):
        to_local(local, HCM)  # aware in: a caller bug, not silently reinterpreted


ZONES = st.sampled_from([HCM, BERLIN, ZoneInfo("America/Sao_Paulo"), ZoneInfo("UTC")])
INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1))
TIMES = st.lists(st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 59])), min_size=1,
                 max_size=6, unique=True).map(lambda c: parse_times([f"{h}:{m:02d}" for h, m in c]))
DAYS = st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True).map(parse_days)


@settings(max_examples=200, deadline=None)
@given(INSTANTS, ZONES)
def test_days_tile_the_timeline(at: datetime, tz: ZoneInfo) -> None:
    day = local_day(at, tz)
    start, end = day_bounds(day, tz)
    assert start <= at < end
    assert day_bounds(day + timedelta(days=1), tz)[0] == end
    assert timedelta(hours=22) <= end - start <= timedelta(hours=26)


@settings(max_examples=200, deadline=None)
@given(TIMES, DAYS, INSTANTS, ZONES)
def test_next_and_previous_slot_bracket_an_instant(times: tuple[str, ...], days: tuple[int, ...],
                                                   at: datetime, tz: ZoneInfo) -> None:
    nxt = next_slot(times, days, at, tz)
    prev = previous_slot(times, days, at, tz)
    assert nxt is not None and prev is not None  # a listed weekday is always within 8 days
    assert prev < at < nxt
    # nothing in between: every slot of the surrounding local days is outside (prev, nxt)
    day = local_day(at, tz)
    around = [s for d in range(-9, 10) for s in slots_on(times, days, day + timedelta(days=d), tz)]
    assert nxt in around and prev in around
    assert not [s for s in around if prev < s < nxt and s != at]
    assert next_slot(times, days, prev, tz) >= at  # type: ignore[operator]
    assert previous_slot(times, days, nxt, tz) <= at  # type: ignore[operator]
    # a tick at a slot with any positive grace sees it
    assert nxt in due_slots(times, days, nxt, timedelta(minutes=1), tz)


# --- alerts and their repeats ------------------------------------------------------------

ISSUED = hcm(2024, 9, 7, 7, 10)  # typhoon Yagi day, 07:10 in Hà Nội
EXPIRES = hcm(2024, 9, 7, 19, 0)
TODAY = day_bounds(date(2024, 9, 7), HCM)


def plays(*, every: int = 120, expires: datetime | None = EXPIRES,
          stopped_at: datetime | None = None, issued: datetime = ISSUED,
          window: tuple[datetime, datetime] = TODAY) -> list[str]:
    got = repeat_times(issued, every, expires=expires, stopped_at=stopped_at,
                       start=window[0], end=window[1])
    return [to_local(t, HCM).strftime("%H:%M") for t in got]


def test_a_day_of_repeats_stops_before_expiry() -> None:
    assert plays() == ["07:10", "09:10", "11:10", "13:10", "15:10", "17:10"]  # not 19:10


def test_expiry_on_a_repeat_excludes_it() -> None:
    assert plays(expires=hcm(2024, 9, 7, 17, 10)) == ["07:10", "09:10", "11:10", "13:10",
                                                      "15:10"]
    assert plays(expires=hcm(2024, 9, 7, 17, 10) + US)[-1] == "17:10"


def test_cancel_stops_everything_from_then_on() -> None:
    assert plays(stopped_at=hcm(2024, 9, 7, 12)) == ["07:10", "09:10", "11:10"]


def test_superseding_update_exactly_on_a_repeat_excludes_it() -> None:
    assert plays(stopped_at=hcm(2024, 9, 7, 11, 10)) == ["07:10", "09:10"]


def test_stop_before_issue_or_expired_alert_plays_nothing() -> None:
    assert plays(stopped_at=ISSUED) == []
    assert plays(expires=ISSUED) == []
    tomorrow = day_bounds(date(2024, 9, 8), HCM)
    assert plays(window=tomorrow) == []
    assert next_repeat(ISSUED, 120, expires=EXPIRES, stopped_at=None, after=EXPIRES) is None


def test_no_expiry_runs_to_the_window_end() -> None:
    assert plays(expires=None) == ["07:10", "09:10", "11:10", "13:10", "15:10", "17:10",
                                   "19:10", "21:10", "23:10"]
    tomorrow = day_bounds(date(2024, 9, 8), HCM)
    assert plays(expires=None, window=tomorrow)[:2] == ["01:10", "03:10"]


def test_window_starting_mid_day_aligns_to_the_rule() -> None:
    assert plays(window=(hcm(2024, 9, 7, 9, 11), hcm(2024, 9, 7, 13, 10))) == ["11:10"]
    assert plays(window=(hcm(2024, 9, 7, 9, 10), hcm(2024, 9, 7, 13, 11))) == [
        "09:10", "11:10", "13:10"]


def test_every_zero_means_only_the_issue() -> None:
    assert plays(every=0) == ["07:10"]
    assert plays(every=0, window=(ISSUED + US, TODAY[1])) == []
    assert plays(every=0, expires=ISSUED) == []
    assert next_repeat(ISSUED, 0, expires=None, stopped_at=None, after=ISSUED - US) == ISSUED
    assert next_repeat(ISSUED, 0, expires=None, stopped_at=None, after=ISSUED) is None


@pytest.mark.parametrize("every", [-1, -120, True, 2.0, "120", None])
def test_bad_interval_is_refused(every: object) -> None:
    with pytest.raises(ScheduleError):
        repeat_times(ISSUED, every, expires=None, stopped_at=None,  # type: ignore[arg-type]
                     start=TODAY[0], end=TODAY[1])
    with pytest.raises(ScheduleError):
        next_repeat(ISSUED, every, expires=None, stopped_at=None,  # type: ignore[arg-type]
                    after=ISSUED)


def test_old_alert_every_minute_is_o_result() -> None:
    issued = ISSUED - timedelta(days=3 * 365, seconds=17)
    began = clock.perf_counter()
    got = repeat_times(issued, 1, expires=None, stopped_at=None, start=TODAY[0], end=TODAY[1])
    # from the start of year 1: a loop from k = 0 would take over a billion steps
    ancient = repeat_times(datetime(1, 1, 1), 1, expires=None, stopped_at=None,
                           start=TODAY[0], end=TODAY[1])
    nxt = next_repeat(datetime(1, 1, 1), 1, expires=None, stopped_at=None, after=TODAY[0])
    assert clock.perf_counter() - began < 1.0
    assert len(got) == 24 * 60 and got[0] == TODAY[0] + timedelta(seconds=43)
    assert all(b - a == timedelta(minutes=1) for a, b in pairwise(got))
    assert ancient[0] == TODAY[0] and len(ancient) == 24 * 60
    assert nxt == TODAY[0] + timedelta(minutes=1)


def test_next_repeat_near_the_end_of_time() -> None:
    assert next_repeat(datetime(9999, 12, 31, 23), 120, expires=None, stopped_at=None,
                       after=datetime(9999, 12, 31, 23)) is None


def test_is_active_half_open() -> None:
    assert not is_active(ISSUED, EXPIRES, None, ISSUED - US)
    assert is_active(ISSUED, EXPIRES, None, ISSUED)
    assert is_active(ISSUED, EXPIRES, None, EXPIRES - US)
    assert not is_active(ISSUED, EXPIRES, None, EXPIRES)
    assert is_active(ISSUED, None, None, datetime(9999, 1, 1))
    stop = hcm(2024, 9, 7, 12)
    assert is_active(ISSUED, EXPIRES, stop, stop - US)
    assert not is_active(ISSUED, EXPIRES, stop, stop)
    assert not is_active(ISSUED, None, stop, stop)


OPTIONAL = st.none() | INSTANTS


@settings(max_examples=300, deadline=None)
@given(INSTANTS, st.sampled_from([0, 1, 7, 60, 120, 180, 1440]) | st.integers(0, 10_000),
       OPTIONAL, OPTIONAL, INSTANTS, st.timedeltas(timedelta(0), timedelta(days=3)))
def test_repeat_properties(issued: datetime, every: int, expires: datetime | None,
                           stopped_at: datetime | None, start: datetime, length: timedelta) -> None:
    end = start + length
    got = repeat_times(issued, every, expires=expires, stopped_at=stopped_at, start=start, end=end)
    for t in got:
        assert start <= t < end and issued <= t
        assert expires is None or t < expires
        assert stopped_at is None or t < stopped_at
        assert is_active(issued, expires, stopped_at, t)
        assert (t - issued) % timedelta(minutes=every or 1) == timedelta(0)
    assert all(b - a == timedelta(minutes=every) for a, b in pairwise(got))
    if every == 0:
        assert got in ([], [issued])
    # next_repeat walks the same list, and says where the window's plays would continue
    def following(after: datetime) -> datetime | None:
        return next_repeat(issued, every, expires=expires, stopped_at=stopped_at, after=after)

    first = following(start - US)
    assert (got[0] if got else None) == (first if first is not None and first < end else None)
    for a, b in pairwise(got):
        assert following(a) == b
    if got:
        after_last = following(got[-1])
        assert after_last is None or after_last >= end


@settings(max_examples=200, deadline=None)
@given(INSTANTS, st.integers(1, 300), INSTANTS)
def test_next_repeat_is_the_next_multiple(issued: datetime, every: int, after: datetime) -> None:
    got = next_repeat(issued, every, expires=None, stopped_at=None, after=after)
    assert got is not None and got > after and got >= issued
    step = timedelta(minutes=every)
    assert (got - issued) % step == timedelta(0)
    assert got == issued or got - step <= after
