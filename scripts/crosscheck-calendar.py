#!/usr/bin/env python3
"""Cross-check data/calendar/cn.csv against independently published calendars.

How to run (from the repository root):

    pip install chinesecalendar holidays
    python3 scripts/crosscheck-calendar.py            # checks data/calendar/cn.csv
    python3 scripts/crosscheck-calendar.py OTHER.csv  # checks another file of the same shape

What it does:

1. Validates the CSV itself: the header and field count, ISO dates, first <= last,
   every workday row is exactly one day and falls on a Saturday or Sunday, no two
   holiday rows overlap, no day is both a holiday and a workday, every schedule
   year 2004..=2026 has rows, a row's dates belong to its schedule year (or to the
   December before it), and the rows are sorted by schedule then first date.
2. Builds the working / non-working status of every day 2004-01-01..=2026-12-31
   from the CSV: a day inside a holiday period is off; a workday row is worked;
   otherwise Monday-Friday is worked and Saturday-Sunday is off.
3. Compares that status day by day with two independent sources from PyPI:
   * chinesecalendar (module chinese_calendar): chinese_calendar.is_workday(day),
     which knows both holidays and adjusted working days;
   * holidays (python-holidays): holidays.China. It lists the statutory days, their
     observed (补假) days and each 调休 rest day with the weekend day it was moved
     from ("Day off (substituted from MM/DD/YYYY)"); that moved-from Saturday or
     Sunday is the adjusted working day, so the script reads the working days from
     those labels.
4. Prints every disagreement with the date and what each source says. Disagreements
   that were investigated against the notice text and found to be an error of the
   source are listed in KNOWN_DISAGREEMENTS with the reason; any other disagreement
   makes the script exit with status 1. A CSV validation error exits with status 2.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

FIRST_YEAR = 2004
LAST_YEAR = 2026
CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "calendar" / "cn.csv"
HEADER = ["schedule", "kind", "first", "last", "name", "notice"]
NAMES = {
    "New Year's Day 元旦",
    "Spring Festival 春节",
    "Qingming Festival 清明节",
    "Labour Day 劳动节",
    "Dragon Boat Festival 端午节",
    "Mid-Autumn Festival 中秋节",
    "National Day 国庆节",
    "Mid-Autumn Festival and National Day 中秋节、国庆节",
    "National Day and Mid-Autumn Festival 国庆节、中秋节",
    "Victory Day 70th Anniversary 中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# (source, ISO date) -> reason. Source is "chinesecalendar" or "holidays".
# Every entry was checked against the text of the notice named in the reason.
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {
    ("chinesecalendar", "2005-12-31"): (
        "chinesecalendar treats Saturday 2005-12-31 as a rest day, but the 2006 notice "
        "国办发明电〔2005〕35号 says 元旦 1月1日—3日放假 ... 12月31日（星期六）上班: it was a "
        "working day (python-holidays agrees with the CSV: 2006-01-03 is 'substituted from "
        "12/31/2005'). chinesecalendar's generator omits the prior-December workday of the 2006 "
        "schedule."
    ),
}


class CsvError(Exception):
    pass


def parse_date(text: str, where: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise CsvError(f"{where}: {text!r} is not an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CsvError(f"{where}: {text!r}: {exc}") from None


def days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def load_csv(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not body:
        raise CsvError("no header line")
    n, header = body[0]
    if header.split(",") != HEADER:
        raise CsvError(f"line {n}: header is {header!r}, expected {','.join(HEADER)!r}")
    rows = []
    for n, line in body[1:]:
        where = f"line {n}"
        fields = line.split(",")
        if len(fields) != len(HEADER):
            raise CsvError(f"{where}: {len(fields)} fields, expected {len(HEADER)} (no commas inside fields)")
        row = dict(zip(HEADER, fields))
        if not re.fullmatch(r"\d{4}", row["schedule"]):
            raise CsvError(f"{where}: schedule {row['schedule']!r} is not a year")
        row["schedule"] = int(row["schedule"])
        if row["kind"] not in ("holiday", "workday"):
            raise CsvError(f"{where}: kind {row['kind']!r} is neither holiday nor workday")
        row["first"] = parse_date(row["first"], where)
        row["last"] = parse_date(row["last"], where)
        if row["first"] > row["last"]:
            raise CsvError(f"{where}: first {row['first']} is after last {row['last']}")
        if row["name"] not in NAMES:
            raise CsvError(f"{where}: unknown name {row['name']!r}")
        if not row["notice"].strip() or row["notice"] != row["notice"].strip():
            raise CsvError(f"{where}: empty notice or stray whitespace")
        row["line"] = n
        rows.append(row)
    return rows


def validate(rows: list[dict]) -> tuple[set[dt.date], set[dt.date], list[str]]:
    """Returns (holiday days, workdays, errors)."""
    errors: list[str] = []
    holiday_owner: dict[dt.date, int] = {}
    workday_owner: dict[dt.date, int] = {}
    for row in rows:
        where = f"line {row['line']}"
        for edge in (row["first"], row["last"]):
            y = row["schedule"]
            if not (edge.year == y or (edge.year == y - 1 and edge.month == 12)):
                errors.append(f"{where}: date {edge} does not belong to schedule {y} (nor to December {y - 1})")
        if row["kind"] == "workday":
            if row["first"] != row["last"]:
                errors.append(f"{where}: a workday row must be exactly one day")
            if row["first"].weekday() < 5:
                errors.append(f"{where}: workday {row['first']} is a {row['first']:%A}, not a Saturday or Sunday")
            if row["first"] in workday_owner:
                errors.append(f"{where}: workday {row['first']} repeated (line {workday_owner[row['first']]})")
            workday_owner[row["first"]] = row["line"]
        else:
            for day in days(row["first"], row["last"]):
                if day in holiday_owner:
                    errors.append(f"{where}: holiday period overlaps line {holiday_owner[day]} on {day}")
                    break
                holiday_owner[day] = row["line"]
    for day in sorted(set(holiday_owner) & set(workday_owner)):
        errors.append(f"{day} is both a holiday (line {holiday_owner[day]}) and a workday (line {workday_owner[day]})")
    present = {row["schedule"] for row in rows}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if year not in present:
            errors.append(f"schedule year {year} has no rows")
    for year in sorted(present - set(range(FIRST_YEAR, LAST_YEAR + 1))):
        errors.append(f"schedule year {year} is outside {FIRST_YEAR}..={LAST_YEAR}")
    keys = [(row["schedule"], row["first"]) for row in rows]
    for (a, b), row in zip(zip(keys, keys[1:]), rows[1:]):
        if b < a:
            errors.append(f"line {row['line']}: rows are not sorted by schedule then first date")
    return set(holiday_owner), set(workday_owner), errors


def csv_status(day: dt.date, holidays_: set[dt.date], workdays: set[dt.date]) -> bool:
    """True if the day is worked."""
    if day in holidays_:
        return False
    if day in workdays:
        return True
    return day.weekday() < 5


def source_chinesecalendar():
    import chinese_calendar

    def status(day: dt.date):
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return None

    version = getattr(chinese_calendar, "__version__", "?")
    return f"chinesecalendar {version}", status


def source_holidays():
    import holidays

    hol = holidays.China(years=range(FIRST_YEAR - 1, LAST_YEAR + 2), language="en_US")
    pattern = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
    moved_from: set[dt.date] = set()
    for name in hol.values():
        for part in name.split(";"):
            m = pattern.search(part)
            if m:
                month, day, year = map(int, m.groups())
                moved_from.add(dt.date(year, month, day))
    if not moved_from:
        raise RuntimeError("holidays.China exposes no 'substituted from' labels; the workday extraction needs updating")

    def status(day: dt.date):
        if day in hol:
            return False
        if day in moved_from:
            return True
        return day.weekday() < 5

    return f"holidays {holidays.__version__}", status


def word(worked) -> str:
    return {True: "work", False: "off", None: "no data"}[worked]


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else CSV_PATH
    try:
        rows = load_csv(path)
    except (OSError, CsvError) as exc:
        print(f"CSV error: {exc}")
        return 2
    holidays_, workdays, errors = validate(rows)
    if errors:
        for error in errors:
            print(f"CSV error: {error}")
        return 2
    print(f"{path}: {len(rows)} rows, {len(holidays_)} holiday days, {len(workdays)} workdays; CSV checks passed")

    sources = {}
    for key, factory in (("chinesecalendar", source_chinesecalendar), ("holidays", source_holidays)):
        label, status = factory()
        sources[key] = status
        print(f"source {key}: {label}")

    unexplained = 0
    seen_known = set()
    compared = 0
    for day in days(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)):
        ours = csv_status(day, holidays_, workdays)
        compared += 1
        verdicts = {key: status(day) for key, status in sources.items()}
        for key, theirs in verdicts.items():
            if theirs is None or theirs == ours:
                continue
            others = ", ".join(f"{k}={word(v)}" for k, v in verdicts.items())
            line = f"{day} {day:%a}: csv={word(ours)}, {others}"
            reason = KNOWN_DISAGREEMENTS.get((key, day.isoformat()))
            if reason:
                seen_known.add((key, day.isoformat()))
                print(f"known    [{key}] {line}\n         reason: {reason}")
            else:
                unexplained += 1
                print(f"MISMATCH [{key}] {line}")
        missing = [k for k, v in verdicts.items() if v is None]
        if missing:
            print(f"note     {day}: no data from {', '.join(missing)}")
    for key in sorted(set(KNOWN_DISAGREEMENTS) - seen_known):
        print(f"warning: known disagreement {key} no longer occurs; remove it from KNOWN_DISAGREEMENTS")
    print(f"compared {compared} days; {len(seen_known)} known disagreement(s); {unexplained} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
