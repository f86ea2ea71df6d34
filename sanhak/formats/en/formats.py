"""English: Nov 30, 2026 (long), 2026-11-30 (short), 24-hour times as on the Korean pages."""

DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n/j"
YEAR_MONTH_FORMAT = "M Y"
