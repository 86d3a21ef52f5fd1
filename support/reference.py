"""Support's preloaded calendar and SLA policies (issue 15): loaded by migration 0003 and by `ensure_sla_reference()`
(a transactional test's flush empties them, as it does dealers' reference data).

Working hours: Monday–Friday 09:00–18:00, Europe/Istanbul. Holidays: Turkey's public holidays of 2026 and 2027
(law 2429), the religious ones as the Diyanet's calendar dates them; the eves (arife) of the bayrams and of
Republic Day are half days, work ending at 13:00. A holiday on a weekend is listed anyway (it closes nothing more).
"""
import datetime as dt

HALF_DAY = dt.time(13, 0)

WORKING_HOURS = [(weekday, dt.time(9, 0), dt.time(18, 0)) for weekday in range(5)]


def _d(text):
    return dt.date.fromisoformat(text)


# (date, name, closes_at): closes_at None = closed all day.
HOLIDAYS = [
    # 2026
    (_d("2026-01-01"), "Yılbaşı", None),
    (_d("2026-03-19"), "Ramazan Bayramı arifesi", HALF_DAY),
    (_d("2026-03-20"), "Ramazan Bayramı 1. gün", None),
    (_d("2026-03-21"), "Ramazan Bayramı 2. gün", None),
    (_d("2026-03-22"), "Ramazan Bayramı 3. gün", None),
    (_d("2026-04-23"), "Ulusal Egemenlik ve Çocuk Bayramı", None),
    (_d("2026-05-01"), "Emek ve Dayanışma Günü", None),
    (_d("2026-05-19"), "Atatürk'ü Anma, Gençlik ve Spor Bayramı", None),
    (_d("2026-05-26"), "Kurban Bayramı arifesi", HALF_DAY),
    (_d("2026-05-27"), "Kurban Bayramı 1. gün", None),
    (_d("2026-05-28"), "Kurban Bayramı 2. gün", None),
    (_d("2026-05-29"), "Kurban Bayramı 3. gün", None),
    (_d("2026-05-30"), "Kurban Bayramı 4. gün", None),
    (_d("2026-07-15"), "Demokrasi ve Milli Birlik Günü", None),
    (_d("2026-08-30"), "Zafer Bayramı", None),
    (_d("2026-10-28"), "Cumhuriyet Bayramı arifesi", HALF_DAY),
    (_d("2026-10-29"), "Cumhuriyet Bayramı", None),
    # 2027
    (_d("2027-01-01"), "Yılbaşı", None),
    (_d("2027-03-08"), "Ramazan Bayramı arifesi", HALF_DAY),
    (_d("2027-03-09"), "Ramazan Bayramı 1. gün", None),
    (_d("2027-03-10"), "Ramazan Bayramı 2. gün", None),
    (_d("2027-03-11"), "Ramazan Bayramı 3. gün", None),
    (_d("2027-04-23"), "Ulusal Egemenlik ve Çocuk Bayramı", None),
    (_d("2027-05-01"), "Emek ve Dayanışma Günü", None),
    (_d("2027-05-15"), "Kurban Bayramı arifesi", HALF_DAY),
    (_d("2027-05-16"), "Kurban Bayramı 1. gün", None),
    (_d("2027-05-17"), "Kurban Bayramı 2. gün", None),
    (_d("2027-05-18"), "Kurban Bayramı 3. gün", None),
    # 19 May 2027 is both the bayram's fourth day and Youth Day: one row (a date is listed once).
    (_d("2027-05-19"), "Kurban Bayramı 4. gün; Atatürk'ü Anma, Gençlik ve Spor Bayramı", None),
    (_d("2027-07-15"), "Demokrasi ve Milli Birlik Günü", None),
    (_d("2027-08-30"), "Zafer Bayramı", None),
    (_d("2027-10-28"), "Cumhuriyet Bayramı arifesi", HALF_DAY),
    (_d("2027-10-29"), "Cumhuriyet Bayramı", None),
]

# Business minutes (a business day is 9 hours = 540 minutes): (tier, priority) → (first response, resolution).
H, D = 60, 540
SLA_POLICIES = {
    ("standard", "low"): (16 * H, 5 * D),
    ("standard", "normal"): (8 * H, 3 * D),
    ("standard", "high"): (4 * H, 2 * D),
    ("standard", "urgent"): (2 * H, 1 * D),
    ("silver", "low"): (8 * H, 4 * D),
    ("silver", "normal"): (4 * H, 2 * D),
    ("silver", "high"): (2 * H, 1 * D),
    ("silver", "urgent"): (1 * H, 6 * H),
    ("gold", "low"): (4 * H, 2 * D),
    ("gold", "normal"): (2 * H, 1 * D),
    ("gold", "high"): (1 * H, 6 * H),
    ("gold", "urgent"): (45, 5 * H),
    ("key_account", "low"): (2 * H, 1 * D),
    ("key_account", "normal"): (1 * H, 6 * H),
    ("key_account", "high"): (45, 5 * H),
    ("key_account", "urgent"): (30, 4 * H),
}


def ensure_sla_reference(apps=None):
    """Create what is missing of the calendar and the policies (never overwrites what staff changed). `apps`: the
    migration's app registry, or None for the current models."""
    if apps is None:
        from django.apps import apps
    working_hours = apps.get_model("support", "WorkingHours")
    holiday = apps.get_model("support", "Holiday")
    policy = apps.get_model("support", "SlaPolicy")
    if not working_hours.objects.exists():
        working_hours.objects.bulk_create(
            [working_hours(weekday=day, opens=opens, closes=closes) for day, opens, closes in WORKING_HOURS])
    for date, name, closes_at in HOLIDAYS:
        holiday.objects.get_or_create(date=date, defaults={"name": name, "closes_at": closes_at})
    for (tier, priority), (first, resolution) in SLA_POLICIES.items():
        policy.objects.get_or_create(tier=tier, priority=priority, defaults={
            "first_response_minutes": first, "resolution_minutes": resolution})
