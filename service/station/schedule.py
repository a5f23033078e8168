"""When the station speaks: pure time arithmetic for programmes and repeating alerts.

A commune loudspeaker station broadcasts at fixed *local* hours (typically 06:00 and
17:00, when people are at home) on chosen days of the week, and an emergency bulletin
(storm, flood, …) replays on a rule — every 2 hours under QĐ 18/2021/QĐ-TTg — until it
expires or is cancelled or superseded. This module answers "which instants?" for both,
and nothing else: no database, no clock, no Flask.

Conventions, the same everywhere:

* every datetime in and out is **UTC and naive** (``tzinfo=None``), the way the database
  stores it, unless the name says *local*; the station's zone is a
  :class:`zoneinfo.ZoneInfo` passed in (callers default to ``Asia/Ho_Chi_Minh``);
* days of the week are ISO numbers, 1 = Monday (thứ Hai) … 7 = Sunday (Chủ nhật);
* intervals are half-open, ``[start, end)``: an alert that expires at 19:00 does not play
  at 19:00, and a cancel at 12:00 stops the 12:00 replay.

Vietnam has no daylight saving time, but a station configured elsewhere (or a zone that
changes its rules) must still behave, so local wall times are resolved with the PEP 495
``fold=0`` rule: a wall time that does not exist (the spring-forward gap) is read with the
offset in force before the gap, i.e. it is pushed forward by the gap's length (02:30 in
Berlin on the spring-forward day plays at 03:30 CEST, every time); a wall time that occurs
twice (fall-back) is taken once, at its first occurrence. Two wall times landing on the same
instant (02:30 and 03:30 on that spring day) give one slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "ScheduleError",
    "day_bounds",
    "due_slots",
    "is_active",
    "local_day",
    "next_repeat",
    "next_slot",
    "parse_days",
    "parse_times",
    "previous_slot",
    "repeat_times",
    "slots_on",
    "to_local",
]

#: a programme airs at most this many times a day (one per hour is already a lot of noise)
MAX_TIMES = 24
#: how far previous_slot / next_slot search: one week plus a day, so a programme listed on
#: a single weekday is always found from any instant
LOOK_DAYS = 8

_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_ONE_US = timedelta(microseconds=1)
_US_PER_MINUTE = 60_000_000


class ScheduleError(ValueError):
    """A schedule or repeat rule that cannot be used.

    The message is English and does not name the field: the API knows which field it
    parsed and answers 422 naming it.
    """


def _show(value: object) -> str:
    """A short repr for error messages (the input may be a megabyte of junk)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _items(values: object, what: str, most: int) -> list[object]:
    # str and bytes are sequences too, but "06:00" is not a list of times
    if not isinstance(values, list | tuple):
        raise ScheduleError(f"expected a list of {what}, got {_show(values)}")
    if not 1 <= len(values) <= most:
        raise ScheduleError(f"expected 1 to {most} {what}, got {len(values)}")
    return list(values)


def _clock(value: object) -> time:
    """'HH:MM' (or 'H:MM') on a 24-hour clock as a time; anything else is an error."""
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError(f"{_show(value)} is not a time of day 'HH:MM' (00:00 to 23:59)")
    return time(int(match[1]), int(match[2]))


def parse_times(values: object) -> tuple[str, ...]:
    """Validate a programme's broadcast times: 1 to 24 distinct 'HH:MM' local times.

    Returned sorted and normalized ('6:00' → '06:00'), so the stored schedule has one
    spelling and two programmes can be compared. Seconds, '24:00', 12-hour clocks and
    duplicates (also '6:00' next to '06:00') are refused: the station's clock has minutes.
    """
    items = _items(values, "times 'HH:MM'", MAX_TIMES)
    clocks = [_clock(v) for v in items]
    if len(set(clocks)) != len(clocks):
        raise ScheduleError("times must not repeat")
    return tuple(c.strftime("%H:%M") for c in sorted(clocks))


def parse_days(values: object) -> tuple[int, ...]:
    """Validate the days a programme airs: 1 to 7 distinct ISO weekdays (1 = Monday).

    Booleans, strings and floats are refused even where Python would coerce them: a JSON
    ``true`` or ``"1"`` is a client bug, not a Monday.
    """
    items = _items(values, "days of the week 1 (Monday) to 7 (Sunday)", 7)
    days: list[int] = []
    for v in items:
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 7:
            raise ScheduleError(f"{_show(v)} is not a day of the week 1 (Monday) to 7 (Sunday)")
        days.append(v)
    if len(set(days)) != len(days):
        raise ScheduleError("days must not repeat")
    return tuple(sorted(days))


def _aware(at: datetime) -> datetime:
    """A naive UTC datetime made aware; an aware one is a caller bug (which zone was it?)."""
    if at.tzinfo is not None:
        raise TypeError(f"expected a naive UTC datetime, got {at!r}")
    return at.replace(tzinfo=UTC)


def _utc(local: datetime) -> datetime:
    """An aware local datetime as naive UTC (fold=0 as built: see the module docstring)."""
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(at: datetime, tz: ZoneInfo) -> datetime:
    """A UTC instant as an aware local datetime: for pages and for spoken times
    ("bản tin lúc 17 giờ"), which people read off the station's wall clock."""
    return _aware(at).astimezone(tz)


def local_day(at: datetime, tz: ZoneInfo) -> date:
    """The station's calendar day of a UTC instant (23:30 UTC is already tomorrow in Hà Nội)."""
    return to_local(at, tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``[start, end)`` of a local calendar day in naive UTC, for "today's playlist" queries.

    Consecutive days share their bound, so the days tile the timeline; a DST day lasts 23
    or 25 hours (a midnight inside a gap starts the day at the transition).
    """
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return _utc(start), _utc(end)


def slots_on(times: Sequence[str], days: Sequence[int], day: date, tz: ZoneInfo) -> list[datetime]:
    """The programme's broadcast instants on local calendar day ``day``, naive UTC, sorted.

    Empty when ``day`` is not one of ``days``. Times are wall-clock times at the station:
    06:00 in Asia/Ho_Chi_Minh is 23:00 UTC the day before.
    """
    if day.isoweekday() not in days:
        return []
    return sorted({_utc(datetime.combine(day, _clock(t), tzinfo=tz)) for t in times})


def _slots(times: Sequence[str], days: Sequence[int], first: date, last: date,
           tz: ZoneInfo) -> Iterable[datetime]:
    """All slots of local days ``first`` … ``last`` (inclusive), unsorted, maybe repeated."""
    day = first
    while day <= last:
        yield from slots_on(times, days, day, tz)
        day += timedelta(days=1)


def previous_slot(times: Sequence[str], days: Sequence[int], before: datetime,
                  tz: ZoneInfo) -> datetime | None:
    """The latest slot strictly before ``before`` (looking back up to 8 days), or None.

    "Which programme edition is current?" — the one whose slot last passed.
    """
    today = local_day(before, tz)
    found = [s for s in _slots(times, days, today - timedelta(days=LOOK_DAYS),
                               today + timedelta(days=1), tz) if s < before]
    return max(found, default=None)


def next_slot(times: Sequence[str], days: Sequence[int], after: datetime,
              tz: ZoneInfo) -> datetime | None:
    """The earliest slot strictly after ``after`` (looking ahead up to 8 days), or None.

    "When does the next edition air?" — shown to the editor as the deadline for a story.
    """
    today = local_day(after, tz)
    found = [s for s in _slots(times, days, today - timedelta(days=1),
                               today + timedelta(days=LOOK_DAYS), tz) if s > after]
    return min(found, default=None)


def due_slots(times: Sequence[str], days: Sequence[int], now: datetime, grace: timedelta,
              tz: ZoneInfo) -> list[datetime]:
    """Slots ``s`` with ``now - grace < s <= now``, sorted: what a periodic tick assembles now.

    A tick that ran late (worker restart, a slow minute) by less than ``grace`` still
    catches the slot up; an older slot is not made late — a 06:00 news read at 09:00 is
    noise over a market. Callers keep the tick period below ``grace`` and make assembly
    idempotent per slot (two ticks inside one grace window both see the slot).
    """
    if grace < timedelta(0):
        raise ScheduleError("grace must not be negative")
    since = now - grace
    found = {s for s in _slots(times, days, local_day(since, tz) - timedelta(days=1),
                               local_day(now, tz) + timedelta(days=1), tz)
             if since < s <= now}
    return sorted(found)


def _step_us(every_minutes: int) -> int:
    if isinstance(every_minutes, bool) or not isinstance(every_minutes, int):
        raise ScheduleError(
            f"the repeat interval must be whole minutes, got {_show(every_minutes)}")
    if every_minutes < 0:
        raise ScheduleError("the repeat interval must not be negative")
    return every_minutes * _US_PER_MINUTE


def _stop(expires: datetime | None, stopped_at: datetime | None) -> datetime | None:
    """The first instant at which the alert may no longer play (None: never stops)."""
    bounds = [b for b in (expires, stopped_at) if b is not None]
    return min(bounds, default=None)


def repeat_times(issued_at: datetime, every_minutes: int, *, expires: datetime | None,
                 stopped_at: datetime | None, start: datetime, end: datetime) -> list[datetime]:
    """The instants an alert plays inside ``[start, end)``: ``issued_at + k·every``, k ≥ 0.

    Storm and flood warnings repeat every 2 hours (QĐ 18/2021) from the moment they are
    issued. A replay never happens at or after ``expires``, nor at or after ``stopped_at``
    (a cancel, or an update superseding this alert, stops repeats at once — the update
    plays on its own rule). ``every_minutes == 0`` means no repeats: only ``issued_at``.

    The first k is computed, not counted up to, so an alert issued years ago costs only
    its answer (integer microseconds: no float rounding, no datetime overflow).
    """
    step = _step_us(every_minutes)
    stop = _stop(expires, stopped_at)
    hi = end if stop is None else min(end, stop)
    lo = max(start, issued_at)
    if lo >= hi:
        return []
    if step == 0:
        return [issued_at] if lo == issued_at else []
    span = (hi - issued_at) // _ONE_US  # plays are at offsets in [first, span)
    first = -(-((lo - issued_at) // _ONE_US) // step) * step  # ceil to a multiple of step
    count = -(-(span - first) // step) if first < span else 0
    return [issued_at + timedelta(microseconds=first + i * step) for i in range(count)]


def next_repeat(issued_at: datetime, every_minutes: int, *, expires: datetime | None,
                stopped_at: datetime | None, after: datetime) -> datetime | None:
    """The alert's next play strictly after ``after``, or None once it has no more.

    For a worker that sleeps until the next replay; it agrees with :func:`repeat_times`.
    """
    step = _step_us(every_minutes)
    stop = _stop(expires, stopped_at)
    if after < issued_at:
        at: datetime | None = issued_at
    elif step == 0:
        at = None
    else:
        k = (after - issued_at) // _ONE_US // step + 1  # first k with offset > after
        try:
            at = issued_at + timedelta(microseconds=k * step)
        except OverflowError:  # past year 9999: no repeat is ever due
            at = None
    if at is None or (stop is not None and at >= stop):
        return None
    return at


def is_active(issued_at: datetime, expires: datetime | None, stopped_at: datetime | None,
              at: datetime) -> bool:
    """Whether an alert is in force at ``at``: issued, not expired, not cancelled or superseded.

    ``issued_at <= at < expires`` and ``at < stopped_at`` — the same half-open rule as the
    repeats, so an alert is never shown active at an instant it could not play.
    """
    stop = _stop(expires, stopped_at)
    return issued_at <= at and (stop is None or at < stop)
