"""Local run times for a channel's daily question, correct across DST changes.

A configured time that doesn't exist on a spring-forward day (02:30 in New York) runs at the
same wall-clock offset as before the change (03:30 local); a time that happens twice on an
autumn day runs at its first occurrence. Either way the (channel, local date) claim makes it one
post per day.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def local_run(day: date, at: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    naive = datetime.combine(day, time(hour, minute))
    return naive.replace(tzinfo=zone, fold=0)


def runs_on(day: date, weekdays: list[str]) -> bool:
    return WEEKDAYS[day.weekday()] in weekdays


def due_date(config: dict, now: datetime, catch_up: timedelta) -> date | None:
    """The local date whose post is due at `now`: at or after the run time, within `catch_up`.

    Yesterday is checked too, so a run at 23:50 with a start just after midnight still counts.
    """
    zone = ZoneInfo(config["timezone"])
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        if not runs_on(day, config["weekdays"]):
            continue
        run = local_run(day, config["time"], zone)
        if run <= now <= run + catch_up:
            return day
    return None


def next_run(config: dict, now: datetime) -> datetime | None:
    """The first run strictly after `now` (within the next 8 days), or None if no weekday."""
    zone = ZoneInfo(config["timezone"])
    today = now.astimezone(zone).date()
    for offset in range(9):
        day = today + timedelta(days=offset)
        if runs_on(day, config["weekdays"]):
            run = local_run(day, config["time"], zone)
            if run > now:
                return run
    return None
