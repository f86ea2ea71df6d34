"""Korean: 2026. 11. 30., 2026. 11. 30. 14:05."""

DATE_FORMAT = "Y. n. j."
SHORT_DATE_FORMAT = "Y. n. j."
DATETIME_FORMAT = "Y. n. j. H:i"
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n/j"
YEAR_MONTH_FORMAT = "Y. n."
