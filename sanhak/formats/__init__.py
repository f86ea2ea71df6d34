"""Date and time formats per language (FORMAT_MODULE_PATH): these names take precedence over Django's
own locale formats, the rest (input formats, separators) stay Django's.

Korean pages write dates as 2026. 11. 30. and times on the 24-hour clock (Django's Korean default is
"2026년 11월 30일 8:33 오후"); English pages write 2026-11-30 (the short form) and Nov 30, 2026, also on
the 24-hour clock. Templates use the names (`|date:"SHORT_DATE_FORMAT"`), never a pattern, so each
language gets its own.
"""
